import { databaseParameters, parameterGroupFamily, rdsLogGroupName } from "./settings";

describe("RDS settings", () => {
  const params = databaseParameters({ maxConnections: 200, slowStatementMs: 500 });
  const byName = Object.fromEntries(params.map((p) => [p.name, p]));

  it("forces TLS and carries the configured limits", () => {
    expect(byName["rds.force_ssl"].value).toBe("1");
    expect(byName.max_connections).toEqual({ name: "max_connections", value: "200", applyMethod: "pending-reboot" });
    expect(byName.log_min_duration_statement.value).toBe("500");
    expect(
      databaseParameters({ maxConnections: 350, slowStatementMs: 0 }).find((p) => p.name === "max_connections")?.value,
    ).toBe("350");
  });

  it("logs connections and DDL, never every statement (which would include role passwords)", () => {
    expect(byName.log_connections.value).toBe("1");
    expect(byName.log_statement.value).toBe("ddl");
    expect(new Set(params.map((p) => p.name)).size).toBe(params.length);
  });

  it("names the family and the log groups as RDS does", () => {
    expect(parameterGroupFamily(17)).toBe("postgres17");
    expect(rdsLogGroupName("qualisys-dev-postgres", "postgresql")).toBe(
      "/aws/rds/instance/qualisys-dev-postgres/postgresql",
    );
  });
});
