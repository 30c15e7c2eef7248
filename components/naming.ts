/**
 * Physical names that more than one component must agree on before the resources exist (a role's policy names
 * the cluster it may describe; a key policy names the log groups it encrypts). Keep them here, in one place.
 */

/** The EKS cluster's name. */
export const clusterName = (prefix: string) => prefix;

/** Prefix of every CloudWatch log group this program creates (`/qualisys/dev/…`). */
export const logGroupPrefix = (appName: string, stack: string) => `/${appName}/${stack}`;

/** The log group EKS writes control-plane logs to; its name is fixed by AWS. */
export const clusterLogGroupName = (prefix: string) => `/aws/eks/${clusterName(prefix)}/cluster`;
