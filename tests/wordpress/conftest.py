import io
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image

FIXTURES = Path(__file__).parent / "fixtures"
EXPORT = FIXTURES / "gazette-wxr-1.2.xml"


def picture(path: Path, fmt: str = "JPEG", size=(1200, 800), colour=(40, 90, 140)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path, fmt)


@pytest.fixture
def uploads(tmp_path):
    """A copy of wp-content/uploads with two of the export's three pictures (crowd.jpg is missing), and
    a file outside it that a hostile path in the export points at."""
    root = tmp_path / "uploads"
    picture(root / "2019" / "05" / "bridge.jpg")
    picture(root / "2020" / "08" / "stand.png", "PNG", (1600, 900), (200, 60, 60))
    picture(tmp_path / "secret.jpg")
    return root


@pytest.fixture
def run_import(editor):
    def run(*args, export=EXPORT):
        out = io.StringIO()
        call_command("import_wordpress", str(export), "--as", editor.username, *args, stdout=out)
        return out.getvalue()

    return run
