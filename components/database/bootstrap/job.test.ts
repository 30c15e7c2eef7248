/** The Job's connection from libpq's environment variables (pure; the bundled Job itself runs in bootstrap.test). */
import { jobConnection, jobMaxTenants } from "./job";

const env = { PGHOST: "db.example", PGUSER: "qualisys_admin", PGPASSWORD: "pw" };

describe("jobConnection", () => {
  it("reads libpq's variables, with TLS unless PGSSLMODE=disable", () => {
    expect(jobConnection({ ...env, PGPORT: "6543", PGSSLMODE: "require", PGAPPNAME: "db-bootstrap-abc" })).toEqual({
      host: "db.example",
      port: 6543,
      user: "qualisys_admin",
      password: "pw",
      application_name: "db-bootstrap-abc",
      connectionTimeoutMillis: 10_000,
      ssl: { rejectUnauthorized: false },
    });
    expect(jobConnection({ ...env, PGSSLMODE: "disable" }).ssl).toBeUndefined();
    expect(jobConnection(env).port).toBe(5432);
  });

  it("names every missing variable", () => {
    expect(() => jobConnection({ PGHOST: "db.example" })).toThrow("missing environment: PGUSER, PGPASSWORD");
  });
});

describe("jobMaxTenants", () => {
  it("reads the tenant cap the Job's spec sets", () => {
    expect(jobMaxTenants({ MAX_TENANTS: "10000" })).toBe(10_000);
  });

  it.each([[undefined], [""], ["0"], ["-5"], ["12abc"], ["1e3"]])("refuses %j, naming the variable", (value) => {
    expect(() => jobMaxTenants({ MAX_TENANTS: value })).toThrow(/^MAX_TENANTS must be a positive integer/);
  });
});
