/**
 * A kubeconfig that points nowhere, for testing a component on its own through the harness: under Pulumi's mocks
 * a Kubernetes provider is never contacted, but it needs a kubeconfig to be declared.
 */
export const dummyKubeconfig = JSON.stringify({
  apiVersion: "v1",
  kind: "Config",
  clusters: [{ name: "dummy", cluster: { server: "https://127.0.0.1:6443" } }],
  contexts: [{ name: "dummy", context: { cluster: "dummy", user: "dummy" } }],
  "current-context": "dummy",
  users: [{ name: "dummy", user: { token: "dummy" } }],
});
