"""``python -m marketing_kit.i18n build [ASSIGNMENT ...]`` or ``skeleton ASSIGNMENT ...``."""

from __future__ import annotations

import sys

from marketing_kit.i18n import edition


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in ("build", "skeleton"):
        print(__doc__)
        return 2
    command, names = args[0], args[1:]
    if command == "skeleton":
        if not names:
            print("skeleton needs at least one assignment name")
            return 2
        for name in names:
            print(f"wrote {edition.skeleton(name)}")
        return 0
    try:
        for name in names or edition.translated_assignments():
            print(f"wrote {edition.write(name)}")
    except edition.StaleTranslation as error:
        print(error)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
