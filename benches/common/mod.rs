//! What the UI benchmarks share: frame-time statistics.

use std::time::Duration;

/// Prints mean, median, p95 and max of frame times.
pub fn stats(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mean = samples.iter().sum::<Duration>() / samples.len() as u32;
    println!(
        "{name}: {} frames, mean {:.2} ms, median {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        samples.len(),
        ms(mean),
        ms(samples[samples.len() / 2]),
        ms(samples[samples.len() * 95 / 100]),
        ms(samples[samples.len() - 1])
    );
}
