/** The CrossGuard pack CI runs with `pulumi preview --policy-pack policy`. */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("qualisys-guardrails", { policies });
