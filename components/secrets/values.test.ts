import { appSecrets } from "../naming";
import { appSecretDescriptions, daysSince, outsideSecrets, postgresUrl, rotationWarning } from "./values";

describe("secret values", () => {
  it("describes every app secret; the outside-supplied ones are a subset", () => {
    expect(Object.keys(appSecretDescriptions).sort()).toEqual([...appSecrets].sort());
    for (const name of outsideSecrets) expect(appSecrets).toContain(name);
  });

  it("builds a TLS PostgreSQL URL with escaped credentials", () => {
    expect(postgresUrl("app_user", "p@ss/word", "db.example", 5432, "qualisys_master")).toBe(
      "postgresql://app_user:p%40ss%2Fword@db.example:5432/qualisys_master?sslmode=require",
    );
  });

  it("warns only when the role passwords are older than 90 days", () => {
    const today = new Date("2027-01-30T12:00:00Z");
    expect(daysSince("2026-11-01", today)).toBe(90);
    expect(rotationWarning("2026-11-01", today)).toBeUndefined();
    expect(rotationWarning("2026-10-31", today)).toMatch(/91 days ago/);
    expect(() => daysSince("soon", today)).toThrow(/not a date/);
  });
});
