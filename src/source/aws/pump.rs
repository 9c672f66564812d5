//! A stream fed by a future that runs while the stream is polled, and stops (dropping its
//! requests) when the stream is dropped: no task is spawned, so nothing outlives the reader.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;
use futures::future::BoxFuture;
use tokio::sync::mpsc;

pub struct Pump<T> {
    producer: Option<BoxFuture<'static, ()>>,
    items: mpsc::UnboundedReceiver<T>,
}

/// Where the producer puts what the stream yields.
pub type Sink<T> = mpsc::UnboundedSender<T>;

impl<T> Pump<T> {
    pub fn new<F, Fut>(produce: F) -> Pump<T>
    where
        F: FnOnce(Sink<T>) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let (sink, items) = mpsc::unbounded_channel();
        Pump {
            producer: Some(Box::pin(produce(sink))),
            items,
        }
    }
}

impl<T> Stream for Pump<T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        if let Some(producer) = self.producer.as_mut()
            && producer.as_mut().poll(cx).is_ready()
        {
            self.producer = None;
        }
        // Once the producer is done and its sender dropped, this ends the stream.
        self.items.poll_recv(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    #[tokio::test]
    async fn yields_what_the_producer_sends_then_ends() {
        let pump = Pump::new(|sink| async move {
            for n in 0..3 {
                tokio::task::yield_now().await;
                let _ = sink.send(n);
            }
        });
        assert_eq!(pump.collect::<Vec<_>>().await, vec![0, 1, 2]);
    }

    #[tokio::test]
    async fn dropping_the_stream_drops_the_producer() {
        struct Flag(Arc<AtomicBool>);
        impl Drop for Flag {
            fn drop(&mut self) {
                self.0.store(true, Ordering::SeqCst);
            }
        }
        let dropped = Arc::new(AtomicBool::new(false));
        let flag = Flag(Arc::clone(&dropped));
        let mut pump = Pump::new(move |sink| async move {
            let _flag = flag;
            let _ = sink.send(1);
            std::future::pending::<()>().await;
        });
        assert_eq!(pump.next().await, Some(1));
        assert!(!dropped.load(Ordering::SeqCst), "still producing");
        drop(pump);
        assert!(
            dropped.load(Ordering::SeqCst),
            "the producer went with the stream"
        );
    }
}
