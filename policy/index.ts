/**
 * The CrossGuard pack CI runs with `pulumi preview --policy-pack policy` (optionally
 * `--policy-pack-config policy/policy-config.example.json`). The policies live in ./policies.ts so tests and the
 * offline preview can run them in process (./runner) without constructing the pack.
 */
import { PolicyPack } from "@pulumi/policy";
import { packName, policies } from "./policies";

new PolicyPack(packName, {
  description: "qualisys platform guardrails: encryption, MFA, least privilege, network exposure",
  policies,
});
