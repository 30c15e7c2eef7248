/**
 * The Pod Security Standards' `restricted` profile as a check over a workload's security contexts (Kubernetes
 * documentation, "Pod Security Standards"): what the admission controller of a namespace labelled
 * `pod-security.kubernetes.io/enforce: restricted` refuses. Volume types and host namespaces are not modelled: the
 * charts checked here set neither.
 */

type Context = Record<string, unknown>;

const get = (context: Context | undefined, key: string) => context?.[key];
const capabilities = (context: Context | undefined) =>
  (get(context, "capabilities") ?? {}) as { drop?: string[]; add?: string[] };
const seccomp = (context: Context | undefined) =>
  (get(context, "seccompProfile") as { type?: string } | undefined)?.type;

/** Why a container with these pod and container security contexts would be refused under `restricted`. */
export function restrictedProblems(pod: Context = {}, container: Context = {}): string[] {
  const problems: string[] = [];
  if (get(container, "privileged") === true) problems.push("privileged");
  if (get(container, "allowPrivilegeEscalation") !== false) problems.push("allowPrivilegeEscalation is not false");
  const nonRoot = get(container, "runAsNonRoot") ?? get(pod, "runAsNonRoot");
  if (nonRoot !== true) problems.push("runAsNonRoot is not true");
  if ((get(container, "runAsUser") ?? get(pod, "runAsUser")) === 0) problems.push("runAsUser is 0");
  const profile = seccomp(container) ?? seccomp(pod);
  if (profile !== "RuntimeDefault" && profile !== "Localhost")
    problems.push("seccompProfile is not RuntimeDefault or Localhost");
  if (!(capabilities(container).drop ?? []).includes("ALL")) problems.push("capabilities do not drop ALL");
  const added = (capabilities(container).add ?? []).filter((c) => c !== "NET_BIND_SERVICE");
  if (added.length) problems.push(`capabilities add ${added.join(", ")}`);
  return problems;
}
