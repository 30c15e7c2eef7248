import { runStack } from "../offline/run";
import { loadConfig } from "./index";

describe("loadConfig", () => {
  it("hands secret config to the program as a Pulumi secret, which stays secret in stack outputs", async () => {
    const hook = "https://hooks.slack.com/services/T1/B1/kept-secret";
    const run = await runStack("dev", {
      secrets: { "qualisys:slackWebhookUrl": hook },
      program: async () => ({ hook: loadConfig().secrets.slackWebhookUrl }),
    });
    expect(run.error).toBeUndefined();
    expect(run.outputs).toEqual({ hook: "[secret]" });
    expect(run.secretOutputs).toEqual(["hook"]);
  });

  it("leaves unset secrets out", async () => {
    const run = await runStack("dev", { program: async () => ({ set: Object.keys(loadConfig().secrets) }) });
    expect(run.outputs).toEqual({ set: [] });
  });
});
