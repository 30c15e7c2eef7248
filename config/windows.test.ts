import { dailyLength, dailyOverlapsWeekly, weeklyLength } from "./windows";

describe("maintenance, backup and snapshot windows", () => {
  it.each([
    // [daily, weekly, overlap] — worked out by hand on a week calendar.
    ["03:00-03:30", "sun:04:00-sun:04:30", false],
    ["04:00-05:00", "sun:04:00-sun:04:30", true],
    ["04:00-05:00", "sun:05:00-sun:06:00", false], // touching ends do not overlap
    ["04:00-05:00", "sun:04:59-sun:06:00", true],
    ["23:30-00:30", "mon:00:00-mon:01:00", true], // a backup across midnight reaches into Monday
    ["23:30-00:30", "sun:22:00-sun:23:00", false],
    ["01:00-02:00", "sun:23:00-mon:01:30", true], // a maintenance window across the week's end
    ["10:00-11:00", "wed:09:00-wed:10:00", false],
  ])("daily %s and weekly %s overlap: %s", (daily, weekly, overlap) => {
    expect(dailyOverlapsWeekly(daily, weekly)).toBe(overlap);
  });

  it("measures windows across midnight and across the end of the week", () => {
    expect([dailyLength("03:00-03:30"), dailyLength("23:30-00:30")]).toEqual([30, 60]);
    expect([weeklyLength("sun:05:30-sun:06:30"), weeklyLength("sun:23:00-mon:01:00")]).toEqual([60, 120]);
  });
});
