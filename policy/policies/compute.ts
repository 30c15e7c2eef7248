/**
 * The instance metadata service on every compute type (SPEC E1, X5). A workload that can reach IMDS with a usable
 * token holds the instance role's credentials: IMDSv2 (session tokens) stops SSRF-style reads, and a PUT response
 * hop limit of 1 stops the token from crossing a container's network hop, so pods and containers on a node cannot
 * take the node's credentials (EKS's own best-practice guide asks for a hop limit of 1 where pods use IRSA).
 */
import { resourcePolicy, type Findings } from "../lib/define";
import { isTrueOrUnknown, path, prop, Unknown } from "../lib/values";
import { T } from "./types";

const metadataTypes = [T.launchTemplate, T.instance, T.launchConfiguration, T.spotInstanceRequest];

function metadataFindings(options: unknown, what: string): Findings {
  const out: Findings = [];
  if (options === Unknown) return out;
  const tokens = prop(options, "httpTokens");
  if (tokens !== Unknown && tokens !== "required")
    out.push(`${what} allows IMDSv1 (httpTokens is ${String(tokens ?? "unset: optional")}, not 'required').`);
  const hops = prop(options, "httpPutResponseHopLimit");
  if (hops !== Unknown && !(hops === 1 || hops === "1"))
    out.push(
      `${what}'s metadata hop limit is ${String(hops ?? "unset (the AMI's default, 2 on EKS-optimised AMIs)")}, not 1: containers on the host can fetch its role's credentials.`,
    );
  return out;
}

export const imdsv2 = resourcePolicy({
  name: "imdsv2-required",
  description:
    "Every compute type requires IMDSv2 with a PUT response hop limit of 1: instances, spot requests, launch templates and launch configurations (metadataOptions), EKS node groups (through a launch template; eks.Cluster's default node group skipped), SageMaker notebook instances (minimum IMDS version 2) and Image Builder infrastructure.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediation:
    "metadataOptions { httpTokens: 'required', httpPutResponseHopLimit: 1 } (pods get AWS credentials through IRSA, not the node); eks node groups: a launchTemplate with those options; SageMaker: instanceMetadataServiceConfiguration.minimumInstanceMetadataServiceVersion '2'.",
  coverage: [
    {
      control: "exposure",
      types: [
        ...metadataTypes,
        T.eksManagedNodeGroup,
        T.awsEksNodeGroup,
        T.eksCluster,
        T.sagemakerNotebook,
        T.imagebuilderInfrastructure,
      ],
      checkov: ["CKV_AWS_79", "CKV_AWS_341", "CKV_AWS_371"],
      cis: ["aws-5.0:5.7"],
    },
  ],
  types: [
    ...metadataTypes,
    T.eksManagedNodeGroup,
    T.awsEksNodeGroup,
    T.eksCluster,
    T.sagemakerNotebook,
    T.imagebuilderInfrastructure,
  ],
  check: ({ type, props }) => {
    if (metadataTypes.includes(type as (typeof metadataTypes)[number]))
      return metadataFindings(prop(props, "metadataOptions"), "The instance");
    if (type === T.imagebuilderInfrastructure)
      return metadataFindings(prop(props, "instanceMetadataOptions"), "The build instance");
    if (type === T.sagemakerNotebook) {
      const v = path(props, "instanceMetadataServiceConfiguration", "minimumInstanceMetadataServiceVersion");
      return v === Unknown || v === "2" ? [] : ["The notebook instance allows IMDSv1."];
    }
    if (type === T.eksCluster) {
      // eks.Cluster's default node group has no IMDS options: skip it and declare managed node groups.
      if (isTrueOrUnknown(prop(props, "skipDefaultNodeGroup")) || prop(props, "fargate") !== undefined) return [];
      return ["The default node group allows IMDSv1 and has no hop limit option; set skipDefaultNodeGroup: true."];
    }
    // Node groups: the launch template (checked above as its own resource) carries the metadata options; without
    // one, EKS generates a template whose options the stack does not set.
    return prop(props, "launchTemplate") !== undefined
      ? []
      : [
          "The node group has no launch template: the one EKS generates does not pin IMDSv2 with a hop limit of 1, so pods can reach the node role's credentials.",
        ];
  },
});

export const computePolicies = [imdsv2];
