import json

from botocore.exceptions import ClientError
from django.core.management.base import BaseCommand, CommandError

from articles.images import storage


class Command(BaseCommand):
    help = (
        "Give the S3 buckets of MEDIA_STORAGE=s3 the access production needs: no ACLs (bucket owner "
        "enforced), public access blocked except one bucket policy letting anyone GET renditions/*; "
        "originals stay private, reached through URLs the app signs. Safe to re-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--create", action="store_true", help="Create buckets that do not exist yet.")

    def handle(self, *args, create=False, **options):
        originals, renditions = storage.originals(), storage.renditions()
        if not all(hasattr(s, "bucket_name") for s in (originals, renditions)):
            raise CommandError("Media is not on S3: set MEDIA_STORAGE=s3 and the AWS_* variables first.")
        client = originals.connection.meta.client
        public = renditions.bucket_name
        for bucket in dict.fromkeys([originals.bucket_name, public]):
            if create and not self.exists(client, bucket):
                region = client.meta.region_name
                where = {} if region in (None, "us-east-1") else {"LocationConstraint": region}
                client.create_bucket(Bucket=bucket, **({"CreateBucketConfiguration": where} if where else {}))
            client.put_bucket_ownership_controls(
                Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
            )
            # ACLs can never make anything public; only the renditions bucket may have a public policy.
            client.put_public_access_block(
                Bucket=bucket,
                PublicAccessBlockConfiguration={
                    "BlockPublicAcls": True,
                    "IgnorePublicAcls": True,
                    "BlockPublicPolicy": bucket != public,
                    "RestrictPublicBuckets": bucket != public,
                },
            )
        client.put_bucket_policy(Bucket=public, Policy=json.dumps(storage.bucket_policy(public)))
        self.stdout.write(
            f"Originals in {originals.bucket_name} are private; renditions/* in {public} are public."
        )

    @staticmethod
    def exists(client, bucket) -> bool:
        try:
            client.head_bucket(Bucket=bucket)
        except ClientError as exc:
            if exc.response["Error"]["Code"] in {"404", "NoSuchBucket"}:
                return False
            raise
        return True
