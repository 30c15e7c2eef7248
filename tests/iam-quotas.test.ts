/**
 * IAM's size quotas, which AWS enforces at create time ("IAM and AWS STS quotas",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html, read 2026-12; characters counted
 * without whitespace): a managed policy has at most 6,144; the inline policies of one role together at most 10,240;
 * a trust policy at most 2,048 (the default quota). Checked on every policy of every stack's record.
 */
import { runStack, stacks, type StackRun } from "../offline/run";
import { ofType } from "../offline/record";

const runs: Record<string, StackRun> = {};
beforeAll(async () => {
  for (const stack of stacks) runs[stack] = await runStack(stack);
});
const size = (text: unknown) => String(text).replace(/\s/g, "").length;

describe.each(stacks)("stack %s", (stack) => {
  it("keeps every managed policy, every role's inline policies and every trust policy within IAM's quotas", () => {
    const run = runs[stack];
    const over: string[] = [];
    for (const p of ofType(run, "aws:iam/policy:Policy"))
      if (size(p.inputs.policy) > 6144) over.push(`managed policy ${p.name}: ${size(p.inputs.policy)}`);
    const roles = ofType(run, "aws:iam/role:Role");
    expect(roles.length).toBeGreaterThan(0);
    for (const role of roles) {
      if (size(role.inputs.assumeRolePolicy) > 2048)
        over.push(`trust of ${role.name}: ${size(role.inputs.assumeRolePolicy)}`);
      const inline = ofType(run, "aws:iam/rolePolicy:RolePolicy")
        .filter((p) => p.inputs.role === role.inputs.name)
        .reduce((sum, p) => sum + size(p.inputs.policy), 0);
      if (inline > 10240) over.push(`inline policies of ${role.name}: ${inline}`);
    }
    expect(over).toEqual([]);
  });
});
