from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="accounts",
    migrations_folder_path=str(Path(__file__).resolve().parents[2] / "migrations" / "accounts"),
    table_classes=table_finder(modules=["app.accounts.tables"], exclude_imported=True),
    migration_dependencies=[],
    commands=[],
)
