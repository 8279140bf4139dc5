//! Live CPU and memory: one engine stats stream per container asked for, merged into one stream
//! of samples the containers page receives over server-sent events.

use bollard::models::ContainerStatsResponse;
use bollard::query_parameters::StatsOptionsBuilder;
use bollard::Docker;
use futures_util::stream::{self, Stream, StreamExt};

use crate::containers::types::StatsSample;

/// The most containers one page may watch at once.
pub const MAX_WATCHED: usize = 250;

/// Samples (about one per second per running container) until the client goes away.
pub fn watch(docker: &Docker, ids: Vec<String>) -> impl Stream<Item = StatsSample> + Send + 'static {
    let streams = ids.into_iter().take(MAX_WATCHED).map(|id| {
        let options = StatsOptionsBuilder::new().stream(true).build();
        docker
            .stats(&id, Some(options))
            .filter_map(move |sample| {
                let id = id.clone();
                async move { sample.ok().and_then(|sample| summarise(id, &sample)) }
            })
            .boxed()
    });
    stream::select_all(streams)
}

/// CPU as `docker stats` computes it (share of all CPUs × their count) and memory without the
/// page cache.
pub fn summarise(id: String, sample: &ContainerStatsResponse) -> Option<StatsSample> {
    let cpu = sample.cpu_stats.as_ref()?;
    let pre = sample.precpu_stats.as_ref();
    let total = cpu.cpu_usage.as_ref()?.total_usage? as f64;
    let pre_total = pre
        .and_then(|p| p.cpu_usage.as_ref())
        .and_then(|u| u.total_usage)
        .unwrap_or(0) as f64;
    let system = cpu.system_cpu_usage.unwrap_or(0) as f64;
    let pre_system = pre.and_then(|p| p.system_cpu_usage).unwrap_or(0) as f64;
    let cpus = cpu
        .online_cpus
        .map(f64::from)
        .or_else(|| Some(cpu.cpu_usage.as_ref()?.percpu_usage.as_ref()?.len() as f64))
        .unwrap_or(1.0);
    let (cpu_delta, system_delta) = (total - pre_total, system - pre_system);
    let cpu_percent = if system_delta > 0.0 && cpu_delta >= 0.0 {
        cpu_delta / system_delta * cpus * 100.0
    } else {
        0.0
    };
    let memory = sample.memory_stats.as_ref()?;
    let cache = memory
        .stats
        .as_ref()
        .and_then(|stats| stats.get("inactive_file").or_else(|| stats.get("total_inactive_file")))
        .copied()
        .unwrap_or(0);
    Some(StatsSample {
        id,
        cpu_percent,
        memory_bytes: memory.usage?.saturating_sub(cache),
        memory_limit: memory.limit.unwrap_or(0),
    })
}
