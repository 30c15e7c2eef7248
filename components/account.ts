/** The AWS account the stack deploys into, resolved once and handed to every component. */
import * as aws from "@pulumi/aws";
import { partitionOf, type AccountRef } from "./iam";

export function currentAccount(region: string): AccountRef {
  return { accountId: aws.getCallerIdentityOutput().accountId, partition: partitionOf(region), region };
}
