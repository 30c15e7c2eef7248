/**
 * Pulumi Deployments settings (SPEC P2) are declared by the program itself, one `pulumiservice.DeploymentSettings`
 * per stack (the organisation stack, components/organization/), from the definition in components/organization/settings.ts. The
 * delivery tools and the workflow tests read the same path filters and triggers from there.
 */
export { environments as stacks, type Environment as Stack } from "../../core/environments";
export {
  deployPaths,
  deploymentSettings,
  globToRegExp,
  triggers,
  triggersOf,
  wouldDeploy,
} from "../../components/organization/settings";
