//! Health over time from GetTimeSeriesServiceStatistics: a service's, an edge's or a filter's
//! statistics per period (60 seconds, or 300 where the buckets are that wide), the range cut
//! into windows and every page read, added up into the buckets the sparklines draw.

use std::sync::Arc;

use aws_sdk_xray::types as sdk;
use futures::{StreamExt, TryStreamExt, stream};

use super::DEFAULT_RANGE;
use super::calls::{Caller, next_page};
use super::convert::{date_time, seconds};
use super::windows;
use crate::analytics::timeline::{Buckets, Health, Point, Tally};
use crate::aws::Operation;
use crate::source::{SeriesQuery, SourceError};

/// X-Ray's finest period.
const MINUTE: f64 = 60.0;
/// The period asked for where buckets are this wide or wider (and a multiple of it).
const FIVE_MINUTES: f64 = 300.0;

/// The buckets over `from..to` and the period that fills them: never finer than a minute.
pub fn buckets_and_period(from: f64, to: f64, most: usize) -> (Buckets, i32) {
    let mut buckets = Buckets::over(from, to, most);
    if buckets.width < MINUTE {
        buckets = Buckets {
            start: (from / MINUTE).floor() * MINUTE,
            width: MINUTE,
            count: (((to - (from / MINUTE).floor() * MINUTE) / MINUTE).floor() as usize + 1).max(1),
        };
    }
    let period = if buckets.width % FIVE_MINUTES == 0.0 {
        FIVE_MINUTES
    } else {
        MINUTE
    };
    (buckets, period as i32)
}

pub async fn time_series(caller: Arc<Caller>, query: SeriesQuery) -> Result<Health, SourceError> {
    let now = crate::clock::now();
    let (from, to) = query.range.unwrap_or((now - DEFAULT_RANGE, now));
    let (buckets, period) = buckets_and_period(from, to, query.buckets.max(1));
    let group = query.group.filter(|g| !g.trim().is_empty());
    let entity = query.entity.filter(|e| !e.trim().is_empty());
    let tuning = &caller.options.tuning;
    // Windows end on the buckets' edges, which are the periods' edges: no period is in two.
    let end = buckets.bounds(buckets.count.saturating_sub(1)).1;
    let pages: Vec<Vec<Point>> =
        stream::iter(windows::split(buckets.start, end, tuning.max_window))
            .map(|window| window_points(&caller, window, group.clone(), entity.clone(), period))
            .buffer_unordered(tuning.windows_in_flight.max(1))
            .try_collect()
            .await?;
    let points: Vec<Point> = pages.into_iter().flatten().collect();
    Ok(Health::of_points(&points, buckets))
}

async fn window_points(
    caller: &Caller,
    (from, to): (f64, f64),
    group: Option<String>,
    entity: Option<String>,
    period: i32,
) -> Result<Vec<Point>, SourceError> {
    let mut points = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let output = caller
            .call(Operation::GetTimeSeriesServiceStatistics, |client| {
                client
                    .get_time_series_service_statistics()
                    .start_time(date_time(from))
                    .end_time(date_time(to))
                    .set_group_name(group.clone())
                    .set_entity_selector_expression(entity.clone())
                    .period(period)
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        points.extend(
            output
                .time_series_service_statistics
                .unwrap_or_default()
                .into_iter()
                .filter_map(point),
        );
        match next_page(output.next_token, &token) {
            Some(next) => token = Some(next),
            None => return Ok(points),
        }
    }
}

/// One period's statistics, a service's or an edge's; without a time it cannot be placed.
fn point(statistics: sdk::TimeSeriesServiceStatistics) -> Option<Point> {
    let count = |n: Option<i64>| n.unwrap_or(0).max(0) as usize;
    let (total, errors, faults) = match (
        statistics.service_summary_statistics,
        statistics.edge_summary_statistics,
    ) {
        (Some(s), _) => (s.total_count, s.error_statistics, s.fault_statistics),
        (None, Some(e)) => (e.total_count, e.error_statistics, e.fault_statistics),
        (None, None) => (None, None, None),
    };
    let tally = Tally {
        requests: count(total),
        faults: count(faults.and_then(|f| f.total_count)),
        errors: count(errors.as_ref().and_then(|e| e.total_count)),
        throttles: count(errors.and_then(|e| e.throttle_count)),
    };
    Some(Point {
        time: seconds(statistics.timestamp.as_ref()?),
        tally,
        histogram: statistics
            .response_time_histogram
            .unwrap_or_default()
            .into_iter()
            .map(|entry| (entry.value, entry.count.max(0) as u64))
            .collect(),
    })
}
