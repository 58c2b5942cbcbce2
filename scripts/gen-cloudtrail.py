#!/usr/bin/env python3
"""Writes deterministic CloudTrail NDJSON of about SIZE_MIB MiB to PATH, as a log
pipeline delivers it (one record per line, with Panther-style `p_*` fields).

    scripts/gen-cloudtrail.py PATH [SIZE_MIB]

The mix: mostly read-only API calls across a dozen services, 2% failed calls, console
sign-ins (some failed in bursts), and a few security-relevant events (a trail stopped,
AdministratorAccess attached, an access key created) so that detections run too.
"""
import json
import random
import sys

path = sys.argv[1]
size = int(sys.argv[2]) if len(sys.argv) > 2 else 1024
target = size << 20
rng = random.Random(20261205)
services = [
    ("ec2", ["DescribeInstances", "DescribeVolumes", "RunInstances", "DescribeSecurityGroups"]),
    ("s3", ["GetBucketAcl", "ListBuckets", "GetBucketPolicy", "PutObject"]),
    ("iam", ["GetUser", "ListRoles", "GetRole", "ListAttachedRolePolicies"]),
    ("sts", ["AssumeRole", "GetCallerIdentity"]),
    ("kms", ["Decrypt", "GenerateDataKey"]),
    ("lambda", ["Invoke", "ListFunctions20150331"]),
    ("logs", ["PutLogEvents", "DescribeLogGroups"]),
    ("cloudwatch", ["PutMetricData", "GetMetricData"]),
    ("rds", ["DescribeDBInstances"]),
    ("dynamodb", ["DescribeTable", "ListTables"]),
    ("ssm", ["GetParameter", "UpdateInstanceInformation"]),
    ("cloudtrail", ["LookupEvents", "DescribeTrails"]),
]
users = [f"user{i:03d}" for i in range(200)]
rare = [
    ("cloudtrail", "StopLogging", {"name": "management-trail"}),
    ("iam", "AttachUserPolicy", {"userName": "ops", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}),
    ("iam", "CreateAccessKey", {"userName": "ci-deployer"}),
]
t0 = 1735689600  # 2025-01-01T00:00:00Z
written = 0
n = 0
with open(path, "w") as f:
    while written < target:
        n += 1
        t = t0 + n // 40
        stamp = "%04d-%02d-%02dT%02d:%02d:%02dZ"
        import time as _t
        tm = _t.gmtime(t)
        when = stamp % (tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec)
        user = users[rng.randrange(len(users))]
        rec = {
            "eventVersion": "1.08",
            "userIdentity": {
                "type": "IAMUser",
                "principalId": "AIDA" + "%016X" % rng.getrandbits(64),
                "arn": f"arn:aws:iam::123456789012:user/{user}",
                "accountId": "123456789012",
                "accessKeyId": "AKIA" + "%016X" % rng.getrandbits(64),
                "userName": user,
            },
            "eventTime": when,
            "awsRegion": "eu-west-1",
            "sourceIPAddress": "198.51.100.%d" % rng.randrange(256),
            "userAgent": "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64 prompt/off command/ec2.describe-instances",
            "requestID": "%032x" % rng.getrandbits(128),
            "eventID": "%08x-%04x-%04x-%04x-%012x" % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(16), rng.getrandbits(16), rng.getrandbits(48)),
            "readOnly": True,
            "eventType": "AwsApiCall",
            "managementEvent": True,
            "recipientAccountId": "123456789012",
            "eventCategory": "Management",
            "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256", "clientProvidedHostHeader": "ec2.eu-west-1.amazonaws.com"},
        }
        roll = rng.random()
        if roll < 0.00002:
            svc, name, params = rare[rng.randrange(len(rare))]
            rec["readOnly"] = False
        elif roll < 0.002:
            svc, name, params = "signin", "ConsoleLogin", None
            ok = rng.random() < 0.7
            rec["eventType"] = "AwsConsoleSignIn"
            rec["responseElements"] = {"ConsoleLogin": "Success" if ok else "Failure"}
            rec["additionalEventData"] = {"MFAUsed": "Yes", "MobileVersion": "No", "LoginTo": "https://console.aws.amazon.com/console/home"}
            if not ok:
                rec["errorMessage"] = "Failed authentication"
        else:
            svc, names = services[rng.randrange(len(services))]
            name = names[rng.randrange(len(names))]
            params = {"instancesSet": {"items": [{"instanceId": "i-%017x" % rng.getrandbits(68)}]}, "filterSet": {}, "maxResults": 100}
            if rng.random() < 0.02:
                rec["errorCode"] = "AccessDenied"
                rec["errorMessage"] = f"User: arn:aws:iam::123456789012:user/{user} is not authorized to perform: {svc}:{name}"
        rec["eventSource"] = f"{svc}.amazonaws.com"
        rec["eventName"] = name
        rec["requestParameters"] = params
        if "responseElements" not in rec:
            rec["responseElements"] = None
        rec["p_event_time"] = when.replace("T", " ").replace("Z", ".000000000")
        rec["p_log_type"] = "AWS.CloudTrail"
        rec["p_row_id"] = "%024x" % rng.getrandbits(96)
        rec["p_parse_time"] = when.replace("T", " ").replace("Z", ".123456789")
        line = json.dumps(rec, separators=(",", ":")) + "\n"
        f.write(line)
        written += len(line)
print(f"{path}: {n} records, {written} bytes", file=sys.stderr)
