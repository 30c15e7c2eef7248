/**
 * Defaults a VPC comes with (SPEC N2, X5): its default security group restricts all traffic (CIS AWS Foundations
 * 5.0 item 5.5), and its default network ACL admits no more of the internet than any other ACL.
 */
import { resourcePolicy } from "../lib/define";
import { list } from "../lib/values";
import { prop } from "../lib/values";
import { T } from "./types";

export const defaultSecurityGroupClosed = resourcePolicy({
  name: "default-security-group-closed",
  description:
    "A VPC's default security group, when the stack adopts it (aws.ec2.DefaultSecurityGroup), has no ingress and no egress rule, so nothing placed in it by default can talk to anything.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation:
    "declare aws.ec2.DefaultSecurityGroup with ingress: [] and egress: [] and give every resource its own group.",
  coverage: [{ control: "exposure", types: [T.defaultSecurityGroup], cis: ["aws-5.0:5.5"] }],
  types: [T.defaultSecurityGroup],
  check: ({ props }) => {
    const ingress = list(prop(props, "ingress")).length;
    const egress = list(prop(props, "egress")).length;
    return ingress || egress
      ? [`The default security group keeps ${ingress} ingress and ${egress} egress rule(s).`]
      : [];
  },
});

export const vpcDefaultPolicies = [defaultSecurityGroupClosed];
