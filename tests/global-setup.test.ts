import { recordingGroups } from "./global-setup";

describe("recordingGroups", () => {
  const hosts: Record<string, string> = { staging: "dev", "dev-alice": "dev", "review-7": "prod" };
  const host = (stack: string) => hosts[stack];

  it("keeps each hosted stack in its host's group, after the host", () => {
    const groups = recordingGroups(["dev", "staging", "prod", "organization", "dev-alice", "review-7"], 2, host);
    expect(groups).toEqual([
      ["dev", "staging", "dev-alice"],
      ["prod", "review-7", "organization"],
    ]);
  });

  it("splits the shipped stacks' families over two groups of about the same size", () => {
    expect(recordingGroups(["dev", "staging", "prod", "organization"], 2, host)).toEqual([
      ["dev", "staging"],
      ["prod", "organization"],
    ]);
  });

  it("makes no empty group", () => {
    expect(recordingGroups(["organization"], 2, host)).toEqual([["organization"]]);
  });

  it("records a stack whose host has no stack file in a group of its own", () => {
    expect(recordingGroups(["qa"], 2, () => "nowhere")).toEqual([["qa"]]);
  });
});
