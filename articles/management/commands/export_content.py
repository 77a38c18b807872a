"""Reads: `manage.py export_content`: the site's content written out as an archive; nothing on the site changes."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.portability.archive import ArchiveError, archive_write
from articles.portability.snapshot import content_json, content_snapshot


class Command(BaseCommand):
    help = (
        "Export the site's content (sections, tags, library images with their files, articles with their slug "
        "redirects, votes and popularity buckets) to DESTINATION: a new directory, or a .tar.gz/.tgz/.tar file. "
        "Read back with import_content. Accounts, edit history and the desk's review state are not exported "
        "(docs/backup.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("destination", type=Path)

    def handle(self, *args, destination: Path, **options):
        try:
            document = content_snapshot()
            media = list(dict.fromkeys(image["file"] for image in document["images"]))
            archive_write(destination, content=content_json(document), media_names=media)
        except ArchiveError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Exported {len(document['articles'])} article(s), {len(document['sections'])} section(s), "
            f"{len(document['tags'])} tag(s) and {len(media)} image(s) to {destination}."
        )
