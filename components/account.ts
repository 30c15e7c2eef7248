/**
 * The AWS account the stack deploys into, resolved once and handed to every component, and the policy documents that
 * need its id.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { partitionOf, type AwsAccount, type PolicyDocument } from "./iam";

/** Where the stack runs, as components receive it: the account id is known only once the provider has answered. */
export interface AccountRef {
  accountId: pulumi.Input<string>;
  partition: string;
  region: string;
}

export function currentAccount(region: string): AccountRef {
  return { accountId: aws.getCallerIdentityOutput().accountId, partition: partitionOf(region), region };
}

/** Renders a policy document that needs the account id. */
export function policyJson(account: AccountRef, build: (account: AwsAccount) => PolicyDocument): pulumi.Output<string> {
  return pulumi.output(account.accountId).apply((accountId) => JSON.stringify(build({ ...account, accountId })));
}
