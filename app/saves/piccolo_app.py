from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="saves",
    migrations_folder_path=str(Path(__file__).resolve().parents[2] / "migrations" / "saves"),
    table_classes=table_finder(modules=["app.saves.tables"], exclude_imported=True),
    migration_dependencies=["app.accounts.piccolo_app"],
    commands=[],
)
