/// A time when an account's changes may be applied: from each moment its cron `schedule` fires (UTC), for
/// `duration`. Outside every window of its account, a change waits (the daemon, `baton apply`).
package struct MaintenanceWindow: Sendable, Hashable, CustomStringConvertible {
    package var schedule: CronSchedule
    package var duration: Duration

    package init(schedule: CronSchedule, duration: Duration) {
        self.schedule = schedule
        self.duration = duration
    }

    /// Windows last from a minute to a week: a shorter one could open between two rounds of the daemon unseen,
    /// a longer one is no window.
    package static let durations = Duration.minutes(1)...Duration.weeks(1)

    package var description: String { "'\(schedule)' for \(duration)" }

    /// Whether the window is open at `time` (seconds since the epoch): it opened less than `duration` ago.
    package func isOpen(at time: Int64) -> Bool {
        guard let opened = schedule.next(after: time - duration.seconds) else { return false }
        return opened <= time
    }

    /// When the window next opens after `time`, nil if it never does.
    package func nextOpening(after time: Int64) -> Int64? { schedule.next(after: time) }
}
