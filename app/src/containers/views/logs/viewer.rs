//! The log viewer's state and what its controls do: load a window of history, follow from its
//! last line, pause (holding what arrives), keep at most 5,000 lines, stay scrolled to the end.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use leptos::html::Div;
use leptos::prelude::*;

use super::lines::{Level, Search};
use super::live::{Follow, LiveState, Slot};
use super::LogSource;
use crate::containers::types::{LogLine, LogQuery};
use crate::error::AppError;

/// The most lines the viewer keeps; the oldest go first.
pub const MAX_LINES: usize = 5_000;

/// One kept line: its key in the list, the line, its level (read once, on arrival).
#[derive(Clone, Debug)]
pub struct Entry {
    pub seq: u64,
    pub line: Arc<LogLine>,
    pub level: Level,
}

/// The key is the identity: lists of entries compare cheaply.
impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.seq == other.seq
    }
}

#[derive(Clone, Copy)]
pub struct Viewer {
    pub source: StoredValue<LogSource>,
    pub tail: RwSignal<u32>,
    pub since: RwSignal<String>,
    pub until: RwSignal<String>,
    pub stream: RwSignal<String>,
    pub environment: RwSignal<String>,
    /// The filters of the history shown (the download link and followed lines use them).
    pub applied: RwSignal<LogQuery>,
    pub entries: RwSignal<Vec<Entry>>,
    pub loading: RwSignal<bool>,
    pub outcome: RwSignal<Option<Result<(), AppError>>>,
    pub following: RwSignal<bool>,
    pub live: RwSignal<Option<LiveState>>,
    pub paused: RwSignal<bool>,
    /// Lines that arrived while paused.
    pub held: RwSignal<Vec<LogLine>>,
    pub search: RwSignal<Search>,
    pub search_error: RwSignal<Option<&'static str>>,
    /// Whether new lines scroll the pane (false once the reader scrolls up).
    pub stick: RwSignal<bool>,
    pub pane: NodeRef<Div>,
    next_seq: StoredValue<u64>,
    /// The newest time seen per container and stream (each stream's times only go up), so a
    /// reconnect does not repeat lines.
    newest: StoredValue<HashMap<(String, String), String>>,
    arriving: StoredValue<Vec<LogLine>>,
    flush_queued: StoredValue<bool>,
    connection: Slot,
}

impl Viewer {
    pub fn new(source: LogSource) -> Self {
        Self {
            source: StoredValue::new(source),
            tail: RwSignal::new(200),
            since: RwSignal::new(String::new()),
            until: RwSignal::new(String::new()),
            stream: RwSignal::new(String::new()),
            environment: RwSignal::new(String::new()),
            applied: RwSignal::new(LogQuery::default()),
            entries: RwSignal::new(Vec::new()),
            loading: RwSignal::new(true),
            outcome: RwSignal::new(None),
            following: RwSignal::new(false),
            live: RwSignal::new(None),
            paused: RwSignal::new(false),
            held: RwSignal::new(Vec::new()),
            search: RwSignal::new(Search::All),
            search_error: RwSignal::new(None),
            stick: RwSignal::new(true),
            pane: NodeRef::new(),
            next_seq: StoredValue::new(0),
            newest: StoredValue::new(HashMap::new()),
            arriving: StoredValue::new(Vec::new()),
            flush_queued: StoredValue::new(false),
            connection: Slot::fresh(),
        }
    }

    fn query(self) -> LogQuery {
        let text = |signal: RwSignal<String>| Some(signal.get_untracked().trim().to_owned()).filter(|v| !v.is_empty());
        LogQuery {
            tail: Some(self.tail.get_untracked()),
            since: text(self.since),
            until: text(self.until),
            stream: text(self.stream),
        }
    }

    /// Reads history with the current filters, replacing the lines; following resumes after it.
    pub fn load(self) {
        let query = self.query();
        let environment = self.environment.get_untracked();
        let source = self.source.get_value();
        self.disconnect();
        self.loading.set(true);
        leptos::task::spawn_local(async move {
            let result = source.history(environment, query.clone()).await;
            self.loading.set(false);
            match result {
                Ok(lines) => {
                    self.outcome.set(Some(Ok(())));
                    self.applied.set(query);
                    self.held.set(Vec::new());
                    self.entries.set(Vec::new());
                    self.newest.set_value(newest_of(&lines));
                    self.append(lines);
                    self.stick.set(true);
                    self.scroll_to_end();
                    if self.following.get_untracked() {
                        self.connect();
                    }
                }
                Err(err) => self.outcome.set(Some(Err(err))),
            }
        });
    }

    pub fn toggle_follow(self) {
        if self.following.get_untracked() {
            self.following.set(false);
            self.disconnect();
            self.resume();
        } else {
            self.following.set(true);
            self.stick.set(true);
            self.connect();
        }
    }

    pub fn toggle_pause(self) {
        if self.paused.get_untracked() {
            self.resume();
        } else {
            self.paused.set(true);
        }
    }

    fn resume(self) {
        self.paused.set(false);
        let held = self.held.try_update(std::mem::take).unwrap_or_default();
        self.append(held);
        self.scroll_if_stuck();
    }

    /// Follows from the last line shown (or from now, when the history ends in the past).
    fn connect(self) {
        let bounded = self.applied.with_untracked(|q| q.until.is_some());
        let since = if bounded {
            None
        } else {
            self.entries
                .with_untracked(|entries| entries.last().and_then(|entry| unix_seconds(&entry.line.ts)))
        };
        let url = self
            .source
            .with_value(|source| source.follow_url(&self.environment.get_untracked(), since));
        let on_state = move |state: LiveState| {
            self.live.set(Some(state));
            if state.is_over() {
                self.following.set(false);
                self.resume();
            }
        };
        let follow = Follow::open(&url, move |line| self.receive(line), on_state);
        self.connection.set(follow);
    }

    fn disconnect(self) {
        self.connection.set(None);
        self.live.set(None);
    }

    /// Closes the stream (the viewer is going away).
    pub fn close(self) {
        self.connection.set(None);
    }

    /// Lines arrive one event at a time; those that come together are shown together.
    fn receive(self, line: LogLine) {
        self.arriving.update_value(|lines| lines.push(line));
        if !self.flush_queued.get_value() {
            self.flush_queued.set_value(true);
            set_timeout(move || self.flush(), Duration::ZERO);
        }
    }

    fn flush(self) {
        self.flush_queued.set_value(false);
        let arrived = self.arriving.try_update_value(std::mem::take).unwrap_or_default();
        let arrived = self.fresh(arrived);
        if arrived.is_empty() {
            return;
        }
        if self.paused.get_untracked() {
            self.held.update(|held| {
                held.extend(arrived);
                let extra = held.len().saturating_sub(MAX_LINES);
                held.drain(..extra);
            });
        } else {
            self.append(arrived);
            self.scroll_if_stuck();
        }
    }

    /// Drops lines of the wrong stream and lines already shown (a reconnect starts from the
    /// second of the last line).
    fn fresh(self, lines: Vec<LogLine>) -> Vec<LogLine> {
        let stream = self.applied.with_untracked(|q| q.stream.clone());
        let mut kept = Vec::with_capacity(lines.len());
        self.newest.update_value(|newest| {
            for line in lines {
                if stream.as_ref().is_some_and(|s| s != &line.stream) {
                    continue;
                }
                let key = key_of(&line);
                if newest.get(&key).is_some_and(|seen| line.ts <= *seen) {
                    continue;
                }
                newest.insert(key, line.ts.clone());
                kept.push(line);
            }
        });
        kept
    }

    fn append(self, lines: Vec<LogLine>) {
        if lines.is_empty() {
            return;
        }
        let mut seq = self.next_seq.get_value();
        let new: Vec<Entry> = lines
            .into_iter()
            .map(|line| {
                seq += 1;
                Entry {
                    seq,
                    level: Level::of(&line.text),
                    line: Arc::new(line),
                }
            })
            .collect();
        self.next_seq.set_value(seq);
        self.entries.update(|entries| {
            entries.extend(new);
            let extra = entries.len().saturating_sub(MAX_LINES);
            entries.drain(..extra);
        });
    }

    /// Remembers whether the reader is at the end of the pane.
    pub fn on_scroll(self) {
        if let Some(pane) = self.pane.get_untracked() {
            let at_end = pane.scroll_top() + pane.client_height() >= pane.scroll_height() - 24;
            self.stick.set(at_end);
        }
    }

    fn scroll_if_stuck(self) {
        if self.stick.get_untracked() {
            self.scroll_to_end();
        }
    }

    /// After the new lines are drawn.
    fn scroll_to_end(self) {
        request_animation_frame(move || {
            if let Some(pane) = self.pane.get_untracked() {
                pane.set_scroll_top(pane.scroll_height());
            }
        });
    }
}

fn key_of(line: &LogLine) -> (String, String) {
    (line.container.clone().unwrap_or_default(), line.stream.clone())
}

/// The newest time per container and stream in `lines`.
fn newest_of(lines: &[LogLine]) -> HashMap<(String, String), String> {
    let mut newest: HashMap<(String, String), String> = HashMap::new();
    for line in lines {
        let seen = newest.entry(key_of(line)).or_default();
        if line.ts > *seen {
            seen.clone_from(&line.ts);
        }
    }
    newest
}

fn unix_seconds(ts: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(ts).ok().map(|at| at.timestamp())
}
