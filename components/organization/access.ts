/**
 * Access to Pulumi Cloud as code (SPEC P4): the teams (./access-plan.ts), their permission on each application
 * stack, the custom `stack-observer` role, and the GitHub Actions OIDC issuer that turns a workflow run's token into
 * its one team's Pulumi token, by subject. No team gets anything on the organisation stack: only organisation
 * administrators can read or deploy it (it holds every pool token).
 */
import * as pulumi from "@pulumi/pulumi";
import * as pulumiservice from "@pulumi/pulumiservice";
import type { ApplicationStack } from "../../config";
import {
  allowDescriptor,
  githubIssuerPolicies,
  githubIssuerUrl,
  observerRole,
  stackPermissionLevel,
  stackPermissions,
  teams,
} from "./access-plan";

export interface AccessArgs {
  organization: string;
  project: string;
  repository: string;
  stacks: ApplicationStack[];
  /** Pulumi Cloud user names of the human teams. */
  members: { developers: string[]; observers: string[] };
  /** Stacks created by this stack (review stacks): their permissions wait for them. */
  created: Record<string, pulumi.Resource>;
  /** Longest life of a token the issuer hands out, in seconds. */
  maxTokenSeconds: number;
}

export class Access extends pulumi.ComponentResource {
  constructor(name: string, args: AccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qualisys:organization:Access", name, {}, opts);
    const parent = { parent: this };
    const declared = Object.fromEntries(
      teams.map((team) => [
        team.name,
        new pulumiservice.Team(
          `${name}-${team.name}`,
          {
            organizationName: args.organization,
            teamType: "pulumi",
            name: team.name,
            displayName: team.displayName,
            description: team.description,
            members: team.members.kind === "people" ? args.members[team.members.list] : [],
          },
          parent,
        ),
      ]),
    );

    for (const { team, stack, access } of stackPermissions(args.stacks)) {
      const created = args.created[stack];
      new pulumiservice.TeamStackPermission(
        `${name}-${team}-${stack}`,
        {
          organization: args.organization,
          project: args.project,
          stack,
          team: team,
          permission: stackPermissionLevel[access],
        },
        { parent: this, dependsOn: [declared[team], ...(created ? [created] : [])] },
      );
    }

    const role = new pulumiservice.OrganizationRole(
      `${name}-${observerRole.name}`,
      {
        organizationName: args.organization,
        name: observerRole.name,
        description: observerRole.description,
        permissions: allowDescriptor(observerRole.scopes),
      },
      parent,
    );
    for (const team of teams)
      if (args.stacks.some((s) => team.access(s) === "observe"))
        new pulumiservice.TeamRoleAssignment(
          `${name}-${team.name}-${observerRole.name}`,
          { organizationName: args.organization, teamName: team.name, roleId: role.roleId },
          { parent: this, dependsOn: [declared[team.name]] },
        );

    new pulumiservice.OidcIssuer(
      `${name}-github-actions`,
      {
        organization: args.organization,
        name: "github-actions",
        url: githubIssuerUrl,
        maxExpirationSeconds: args.maxTokenSeconds,
        policies: githubIssuerPolicies(args.organization, args.repository),
      },
      { parent: this, dependsOn: Object.values(declared) },
    );
    this.registerOutputs({});
  }
}
