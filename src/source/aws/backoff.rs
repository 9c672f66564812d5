//! Adaptive backoff for the whole source: at most so many X-Ray calls at once, fewer after
//! X-Ray throttles (halved), more again after a run of successes (one at a time); and after a
//! throttle, every call waits out a pause that doubles while X-Ray keeps throttling.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

pub struct Throttle {
    state: Mutex<State>,
    released: Notify,
    max_in_flight: usize,
    base: Duration,
    cap: Duration,
}

struct State {
    limit: usize,
    in_flight: usize,
    /// The pause after the latest throttle.
    delay: Duration,
    paused_until: Option<Instant>,
    /// Successes since the limit last changed.
    successes: usize,
}

impl Throttle {
    /// `base` is the first pause after a throttle, `cap` the longest.
    pub fn new(max_in_flight: usize, base: Duration, cap: Duration) -> Arc<Throttle> {
        let max_in_flight = max_in_flight.max(1);
        Arc::new(Throttle {
            state: Mutex::new(State {
                limit: max_in_flight,
                in_flight: 0,
                delay: Duration::ZERO,
                paused_until: None,
                successes: 0,
            }),
            released: Notify::new(),
            max_in_flight,
            base,
            cap,
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until a call may start: no pause running, and fewer calls in flight than the limit.
    pub async fn permit(self: &Arc<Self>) -> Permit {
        loop {
            let released = self.released.notified();
            tokio::pin!(released);
            // Registered before looking, so that a release in between is not missed.
            released.as_mut().enable();
            let pause = {
                let mut state = self.lock();
                match state.paused_until {
                    Some(until) if until > Instant::now() => Some(until),
                    _ => {
                        state.paused_until = None;
                        if state.in_flight < state.limit {
                            state.in_flight += 1;
                            return Permit {
                                throttle: Arc::clone(self),
                            };
                        }
                        None
                    }
                }
            };
            match pause {
                Some(until) => tokio::time::sleep_until(until).await,
                None => released.await,
            }
        }
    }

    /// X-Ray throttled a call: fewer calls at once, and everyone pauses. Returns how long the
    /// pause lasts from now. Throttles met during a pause do not lengthen it.
    pub fn throttled(&self) -> Duration {
        let mut state = self.lock();
        let now = Instant::now();
        if let Some(until) = state.paused_until
            && until > now
        {
            return until - now;
        }
        state.limit = (state.limit / 2).max(1);
        state.successes = 0;
        state.delay = (state.delay * 2).clamp(self.base, self.cap);
        state.paused_until = Some(now + state.delay);
        state.delay
    }

    /// A call went through: after as many successes as calls allowed at once, one more is
    /// allowed, and the next pause starts shorter.
    pub fn succeeded(&self) {
        let mut state = self.lock();
        state.successes += 1;
        if state.successes >= state.limit {
            state.successes = 0;
            state.delay /= 2;
            if state.limit < self.max_in_flight {
                state.limit += 1;
                drop(state);
                self.released.notify_waiters();
            }
        }
    }

    /// Calls allowed at once now.
    pub fn limit(&self) -> usize {
        self.lock().limit
    }
}

/// The right to have one call in flight.
pub struct Permit {
    throttle: Arc<Throttle>,
}

impl Drop for Permit {
    fn drop(&mut self) {
        self.throttle.lock().in_flight -= 1;
        self.throttle.released.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: Duration = Duration::from_millis(400);

    #[tokio::test]
    async fn throttles_halve_the_calls_and_double_the_pause() {
        let throttle = Throttle::new(4, BASE, Duration::from_secs(10));
        assert_eq!(throttle.limit(), 4);
        assert_eq!(throttle.throttled(), BASE);
        assert_eq!(throttle.limit(), 2);
        // A second throttle during the pause only waits out what is left of it.
        assert!(throttle.throttled() <= BASE);
        assert_eq!(throttle.limit(), 2);
        tokio::time::pause();
        tokio::time::advance(BASE).await;
        assert_eq!(throttle.throttled(), 2 * BASE);
        assert_eq!(throttle.limit(), 1);
        tokio::time::advance(2 * BASE).await;
        assert_eq!(throttle.throttled(), 4 * BASE);
        assert_eq!(throttle.limit(), 1, "never fewer than one");
    }

    #[tokio::test]
    async fn successes_bring_the_calls_back_one_at_a_time() {
        tokio::time::pause();
        let throttle = Throttle::new(4, BASE, Duration::from_secs(10));
        throttle.throttled();
        tokio::time::advance(BASE).await;
        throttle.throttled();
        assert_eq!(throttle.limit(), 1);
        throttle.succeeded();
        assert_eq!(throttle.limit(), 2);
        throttle.succeeded();
        assert_eq!(throttle.limit(), 2);
        throttle.succeeded();
        assert_eq!(throttle.limit(), 3);
        for _ in 0..10 {
            throttle.succeeded();
        }
        assert_eq!(throttle.limit(), 4);
    }

    #[tokio::test]
    async fn no_more_permits_than_the_limit_and_a_release_lets_the_next_in() {
        let throttle = Throttle::new(2, BASE, Duration::from_secs(10));
        let a = throttle.permit().await;
        let _b = throttle.permit().await;
        let third = {
            let throttle = Arc::clone(&throttle);
            tokio::spawn(async move { throttle.permit().await })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!third.is_finished(), "a third call waits");
        drop(a);
        let _c = tokio::time::timeout(Duration::from_secs(1), third)
            .await
            .expect("released")
            .unwrap();
    }

    #[tokio::test]
    async fn everyone_waits_out_the_pause() {
        tokio::time::pause();
        let throttle = Throttle::new(4, BASE, Duration::from_secs(10));
        throttle.throttled();
        let started = Instant::now();
        let _permit = throttle.permit().await;
        assert!(started.elapsed() >= BASE);
    }
}
