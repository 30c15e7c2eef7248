/**
 * Maintenance, backup and snapshot windows as AWS reads them (UTC): a daily `hh:mm-hh:mm` repeats every day, a
 * weekly `ddd:hh:mm-ddd:hh:mm` once a week; either may run past midnight (or past Sunday). Pure, so the config can
 * refuse what RDS and ElastiCache refuse at create time, before anything is deployed:
 * - RDS: "The backup window and maintenance window must not overlap" (InvalidParameterValue; the provider's
 *   `backupWindow`: "Must not overlap with `maintenanceWindow`").
 * - ElastiCache: "The snapshot window and maintenance window must not overlap"; "The minimum maintenance window is a
 *   60 minute period" and "The minimum snapshot window is a 60 minute period" (@pulumi/aws 7.48.0 replicationGroup).
 */

const WEEK = 7 * 24 * 60;
const days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const minuteOfDay = (hh: string, mm: string) => Number(hh) * 60 + Number(mm);

/** Half-open intervals [start, end) in minutes of the week (Monday 00:00 = 0), split where they wrap. */
type Intervals = [number, number][];

function span(start: number, length: number): Intervals {
  const end = start + length;
  return end <= WEEK
    ? [[start, end]]
    : [
        [start, WEEK],
        [0, end - WEEK],
      ];
}

/** Length in minutes of a daily window (`23:30-00:30` is 60). */
export function dailyLength(window: string): number {
  const [, h1, m1, h2, m2] = /^(\d\d):(\d\d)-(\d\d):(\d\d)$/.exec(window) ?? [];
  const length = minuteOfDay(h2, m2) - minuteOfDay(h1, m1);
  return length <= 0 ? length + 24 * 60 : length;
}

/** Length in minutes of a weekly window (`sun:23:00-mon:01:00` is 120). */
export function weeklyLength(window: string): number {
  const [start, end] = weeklyBounds(window);
  const length = end - start;
  return length <= 0 ? length + WEEK : length;
}

function weeklyBounds(window: string): [number, number] {
  const [, d1, h1, m1, d2, h2, m2] = /^(\w{3}):(\d\d):(\d\d)-(\w{3}):(\d\d):(\d\d)$/.exec(window.toLowerCase()) ?? [];
  return [days.indexOf(d1) * 1440 + minuteOfDay(h1, m1), days.indexOf(d2) * 1440 + minuteOfDay(h2, m2)];
}

function dailyIntervals(window: string): Intervals {
  const start = minuteOfDay(window.slice(0, 2), window.slice(3, 5));
  return days.flatMap((_, day) => span(day * 1440 + start, dailyLength(window)));
}

function weeklyIntervals(window: string): Intervals {
  return span(weeklyBounds(window)[0], weeklyLength(window));
}

/** Whether a daily window (backups, snapshots) and a weekly one (maintenance) share any minute of the week. */
export function dailyOverlapsWeekly(daily: string, weekly: string): boolean {
  const a = dailyIntervals(daily);
  const b = weeklyIntervals(weekly);
  return a.some(([s1, e1]) => b.some(([s2, e2]) => s1 < e2 && s2 < e1));
}
