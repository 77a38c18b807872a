"""Where each library picture is shown in a body, as rows: filled once from the stored bodies here, then kept by
every save (`articles.publishing`)."""

import re

from django.db import migrations, models

FIGURE = re.compile(r'<figure\b[^>]*\bdata-image="(\d+)"')  # as articles.editor.pictures stores them


def fill(apps, schema_editor):
    Article, Image, BodyUse = (apps.get_model(*name) for name in
                               (("articles", "Article"), ("library", "Image"), ("library", "BodyUse")))  # fmt: skip
    images = set(Image.objects.values_list("pk", flat=True))
    uses = []
    for article_id, body in Article.objects.filter(body__contains="data-image=").values_list("pk", "body").iterator():
        uses += [BodyUse(article_id=article_id, image_id=pk) for pk in {int(n) for n in FIGURE.findall(body)} & images]
    BodyUse.objects.bulk_create(uses, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial"), ("articles", "0021_article_corrected_at")]

    operations = [
        migrations.CreateModel(
            name="BodyUse",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "article",
                    models.ForeignKey(on_delete=models.deletion.CASCADE, related_name="+", to="articles.article"),
                ),
                (
                    "image",
                    models.ForeignKey(on_delete=models.deletion.CASCADE, related_name="body_uses", to="library.image"),
                ),
            ],
            options={"constraints": [models.UniqueConstraint(fields=("image", "article"), name="body_use_unique")]},
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
