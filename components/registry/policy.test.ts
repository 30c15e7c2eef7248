import { lifecyclePolicy, pullActions, repositoryPolicy } from "./policy";

describe("ECR policies", () => {
  const ci = "arn:aws:iam::123456789012:role/qualisys-dev-cicd";
  const nodes = "arn:aws:iam::123456789012:role/qualisys-dev-nodes";

  it("expires untagged images first, then keeps the last N tagged", () => {
    const { rules } = lifecyclePolicy(10, 7);
    expect(rules.map((r) => r.rulePriority)).toEqual([1, 2]);
    expect(rules[0].selection).toMatchObject({ tagStatus: "untagged", countNumber: 7, countUnit: "days" });
    expect(rules[1].selection).toMatchObject({ tagStatus: "tagged", countType: "imageCountMoreThan", countNumber: 10 });
  });

  it("lets CI push and nodes pull, nothing more", () => {
    const policy = repositoryPolicy([ci], [nodes]);
    expect(policy.Statement.map((s) => [s.Sid, s.Principal])).toEqual([
      ["CiPush", { AWS: [ci] }],
      ["NodesPull", { AWS: [nodes] }],
    ]);
    expect(policy.Statement[1].Action).toEqual(pullActions);
    expect(JSON.stringify(policy)).not.toMatch(/"\*"|ecr:\*/);
  });

  it("drops an empty side and refuses an empty policy", () => {
    expect(repositoryPolicy([ci], []).Statement).toHaveLength(1);
    expect(() => repositoryPolicy([], [])).toThrow(/at least one/);
  });
});
