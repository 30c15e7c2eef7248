import { loadCatalogue } from "./catalogue";
import {
  creatableVersions,
  parseReleaseCalendar,
  supportStatus,
  versionProblem,
  type EksCalendar,
} from "./eks-calendar";

// The table as the user guide writes it (two rows, one with an approximate date); anchor styles of 2025 and before.
const table = `
|===
|Kubernetes version
|Upstream release
|Amazon EKS release
|End of standard support
|End of extended support

|\`1.35\`
|December 17, 2025
|January 27, 2026
|March 27, 2027
|March 27, 2028

|\`1.36\`
|April 22, 2026
|June 2026
|August 2027
|August 2028
|===
`;

describe("the EKS version calendar", () => {
  it.each(["[#kubernetes-release-calendar]", "[[kubernetes-release-calendar,kubernetes-release-calendar.title]]"])(
    "reads the user guide's release calendar table after the anchor %s, approximate dates marked",
    (anchor) => {
      expect(parseReleaseCalendar(`intro\n${anchor}\n== Amazon EKS Kubernetes release calendar\n${table}`)).toEqual({
        "1.35": {
          upstreamRelease: "2025-12-17",
          eksRelease: "2026-01-27",
          endOfStandardSupport: "2027-03-27",
          endOfExtendedSupport: "2028-03-27",
        },
        "1.36": {
          upstreamRelease: "2026-04-22",
          eksRelease: "2026-06-01",
          endOfStandardSupport: "2027-08-01",
          endOfExtendedSupport: "2028-08-01",
          approximate: true,
        },
      });
    },
  );

  it("refuses a table whose columns are not the calendar's", () => {
    expect(() => parseReleaseCalendar("[#kubernetes-release-calendar]\n|===\n|Version\n|Date\n|===\n")).toThrow(
      /unexpected calendar header/,
    );
  });

  it("holds the end-of-standard-support dates the EKS User Guide gives for 1.32, 1.33 and 1.34", () => {
    // Dates as stated in issue 23 from the user guide (2026-12-05): an independent reading of the same page.
    const { versions } = loadCatalogue().eksVersions;
    expect([versions["1.32"], versions["1.33"], versions["1.34"]].map((v) => v.endOfStandardSupport)).toEqual([
      "2026-03-23",
      "2026-07-29",
      "2026-12-02",
    ]);
  });

  const calendar: EksCalendar = {
    source: "test",
    asOf: "2026-12-05",
    versions: {
      "1.29": { endOfStandardSupport: "2025-03-23", endOfExtendedSupport: "2026-03-23" },
      "1.34": { endOfStandardSupport: "2026-12-02", endOfExtendedSupport: "2027-12-02" },
      "1.35": { endOfStandardSupport: "2027-03-27", endOfExtendedSupport: "2028-03-27" },
    },
    withoutDates: { "1.36": "AMI releases" },
  };

  it("places a minor in standard support, extended support (from the day standard support ends), or past both", () => {
    expect(supportStatus(calendar, "1.35", "2026-12-05")).toEqual(
      expect.objectContaining({ kind: "standard", daysLeft: 112 }),
    );
    expect(supportStatus(calendar, "1.34", "2026-12-01").kind).toBe("standard");
    expect(supportStatus(calendar, "1.34", "2026-12-02").kind).toBe("extended");
    expect(supportStatus(calendar, "1.29", "2026-12-05").kind).toBe("ended");
    expect(supportStatus(calendar, "1.36", "2026-12-05").kind).toBe("no-dates");
    expect(supportStatus(calendar, "1.40", "2026-12-05").kind).toBe("unknown");
  });

  it("lets a cluster be created on every minor EKS still supports, and names the refresh command for an unknown one", () => {
    expect(creatableVersions(calendar, "2026-12-05")).toEqual(["1.34", "1.35", "1.36"]);
    expect(versionProblem(calendar, "1.35", "2026-12-05")).toBeUndefined();
    expect(versionProblem(calendar, "1.29", "2026-12-05")).toMatch(/ended extended support .* on 2026-03-23/);
    expect(versionProblem(calendar, "1.40", "2026-12-05")).toMatch(/npm run catalog:refresh/);
  });
});
