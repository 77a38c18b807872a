"""Writes: `manage.py import_content`: an archive from `export_content` merged into this site in one transaction."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.portability.archive import MB, ArchiveError, Limits, archive_open
from articles.portability.restore import content_import


class Command(BaseCommand):
    help = (
        "Import an archive made by export_content (a directory or a .tar/.tar.gz): merged into this site by slugs "
        "and image contents, in one transaction, so a bad archive changes nothing and importing it twice changes "
        "nothing the second time. Counters are recomputed from the rows; cached pages showing a change are purged."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path)
        default = Limits()
        parser.add_argument(
            "--max-file-mb", type=int, default=default.file_bytes // MB, help="Largest media file accepted."
        )
        parser.add_argument(
            "--max-total-mb", type=int, default=default.total_bytes // MB, help="Largest unpacked archive accepted."
        )

    def handle(self, *args, source: Path, max_file_mb: int, max_total_mb: int, **options):
        limits = Limits(file_bytes=max_file_mb * MB, total_bytes=max_total_mb * MB)
        try:
            with archive_open(source, limits) as reader:
                report = content_import(reader=reader, source=source.name)
        except ArchiveError as error:
            raise CommandError(f"{source}: {error} Nothing was imported.") from error
        for kind in report.kinds:
            self.stdout.write(
                f"{kind}: {report.created[kind]} created, {report.updated[kind]} updated, "
                f"{report.unchanged[kind]} unchanged"
            )
        self.stdout.write("Imported." if report.changed else "Nothing to change: the site already has this content.")
