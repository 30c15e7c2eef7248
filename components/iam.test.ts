import { arn, partitionOf, serviceAccountTrustPolicy } from "./iam";
import { secretName } from "./naming";

it("knows a region's partition without asking AWS", () => {
  expect(["us-east-1", "us-gov-west-1", "cn-north-1"].map(partitionOf)).toEqual(["aws", "aws-us-gov", "aws-cn"]);
});

it("builds regional and global ARNs", () => {
  const account = { accountId: "111122223333", partition: "aws", region: "eu-west-1" };
  expect(arn(account, "eks", "cluster/x")).toBe("arn:aws:eks:eu-west-1:111122223333:cluster/x");
  expect(arn(account, "iam", "role/x")).toBe("arn:aws:iam::111122223333:role/x");
});

it("scopes an IRSA trust to one service account", () => {
  const [s] = serviceAccountTrustPolicy({
    oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC",
    oidcIssuer: "oidc.eks.eu-west-1.amazonaws.com/id/ABC",
    namespace: "kube-system",
    serviceAccount: "cluster-autoscaler",
  }).Statement;
  expect(s.Condition).toEqual({
    StringEquals: {
      "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:kube-system:cluster-autoscaler",
      "oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
    },
  });
});

it("keeps platform secrets apart from application secrets", () => {
  expect(secretName("qualisys-dev", "database-url")).toBe("qualisys-dev/database-url");
  expect(secretName("qualisys-dev", "redis-auth")).toBe("qualisys-dev/platform/redis-auth");
});
