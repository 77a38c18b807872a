"""A library image's width and height are stored by the upload service, never read back from the file.

State only (the column is the same): Django no longer opens the file on load when they are empty.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("articles", "0013_ranking_window_index")]

    operations = [
        migrations.AlterField(
            model_name="image",
            name="file",
            field=models.ImageField(
                help_text="JPEG, PNG, WebP or GIF. Re-encoded on upload; all metadata is removed.",
                upload_to="library/%Y/%m/",
            ),
        ),
    ]
