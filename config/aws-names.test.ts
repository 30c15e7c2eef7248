import { derivedNameProblems } from "./aws-names";

const problems = (prefix: string) =>
  derivedNameProblems(prefix)
    .filter((n) => n.problem)
    .map((n) => n.what);

describe("names AWS validates, derived from the stack prefix", () => {
  it("accepts the shipped stacks' prefixes", () => {
    for (const prefix of ["qualisys-dev", "qualisys-staging", "qualisys-prod"]) expect(problems(prefix)).toEqual([]);
  });

  it("draws the load balancer line at 32 characters", () => {
    expect(problems("qualisys-review-feature-1234")).toEqual([]); // qualisys-review-feature-1234-alb: 32
  });

  it.each([
    // A stack name with a dot or an underscore (Pulumi allows both).
    ["qualisys-eu.prod", ["EKS cluster name", "load balancer name", "RDS final snapshot identifier"]],
    ["qualisys-customer_production", ["load balancer name", "RDS final snapshot identifier"]],
    // 33 characters of load balancer name (32 is the limit); a 35-character replication group id is fine.
    ["qualisys-review-feature-12345", ["load balancer name"]],
    // 41 characters of replication group id.
    ["qualisys-review-feature-branch-1234", ["load balancer name", "ElastiCache replication group id"]],
    ["qualisys-a--b", ["RDS final snapshot identifier"]],
  ])("%s: refused by %j", (prefix, refused) => {
    expect(problems(prefix)).toEqual(refused);
  });
});
