//! The foundation: region tree, alliances, member units, users and sessions, the three lists,
//! the audit trail and the search outbox.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(
    from_table: &'static str,
    from_col: &'static str,
    to_table: &'static str,
    to_col: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_table, from_col)
        .to(to_table, to_col)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

fn index(table: &'static str, cols: &[&'static str], unique: bool) -> IndexCreateStatement {
    let mut idx = Index::create();
    idx.name(format!("idx_{}_{}", table, cols.join("_")))
        .table(table);
    for c in cols {
        idx.col(*c);
    }
    if unique {
        idx.unique();
    }
    idx.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("regions")
                .col(big_pk_auto("id"))
                .col(big_integer_null("city_id"))
                .col(string_len("level", 16))
                .col(big_integer_null("parent_id"))
                .col(string_len_uniq("code", 32))
                .col(string_len("name", 64))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("regions", "parent_id", "regions", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("regions", &["parent_id", "name"], true))
            .await?;
        m.create_index(index("regions", &["city_id", "level"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("alliances")
                .col(big_pk_auto("id"))
                .col(big_integer("city_id"))
                .col(string_len("level", 16))
                .col(big_integer_uniq("region_id"))
                .col(string_len("name", 96))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("alliances", "region_id", "regions", "id"))
                .foreign_key(&mut fk("alliances", "city_id", "regions", "id"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("organizations")
                .col(big_pk_auto("id"))
                .col(big_integer("city_id"))
                .col(string_len("name", 100))
                // The name folded in Rust (lowercase), so search matches alike on SQLite,
                // whose lower() knows only ASCII, and PostgreSQL.
                .col(string_len("search_name", 100))
                .col(string_len("kind", 20))
                .col(string_len("contact_person", 30))
                .col(string_len("contact_phone", 30))
                .col(string_len("address", 200))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("organizations", "city_id", "regions", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("organizations", &["city_id", "name"], true))
            .await?;

        m.create_table(
            Table::create()
                .table("alliance_members")
                .col(big_pk_auto("id"))
                .col(big_integer("alliance_id"))
                .col(big_integer("organization_id"))
                .col(string_len("role", 16))
                .col(date("joined_on"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "alliance_members",
                    "alliance_id",
                    "alliances",
                    "id",
                ))
                .foreign_key(&mut fk(
                    "alliance_members",
                    "organization_id",
                    "organizations",
                    "id",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "alliance_members",
            &["alliance_id", "organization_id"],
            true,
        ))
        .await?;
        m.create_index(index("alliance_members", &["organization_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("categories")
                .col(big_pk_auto("id"))
                .col(string_len_uniq("name", 20))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("users")
                .col(big_pk_auto("id"))
                .col(big_integer("city_id"))
                .col(string_len_uniq("username", 64))
                .col(string_len("password_hash", 200))
                .col(string_len("display_name", 64))
                .col(string_len("role", 16))
                .col(big_integer_null("alliance_id"))
                .col(big_integer_null("organization_id"))
                .col(timestamp_with_time_zone_null("disabled_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("users", "city_id", "regions", "id"))
                .foreign_key(&mut fk("users", "alliance_id", "alliances", "id"))
                .foreign_key(&mut fk("users", "organization_id", "organizations", "id"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("sessions")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                .col(string_len_uniq("token_hash", 64))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(&mut fk("sessions", "user_id", "users", "id"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("resources")
                .col(big_pk_auto("id"))
                .col(big_integer("city_id"))
                .col(big_integer("organization_id"))
                .col(string_len("title", 120))
                .col(text("description"))
                .col(string_len("category", 20))
                .col(text("tags"))
                .col(integer_null("quantity"))
                .col(string_len("scope_level", 16))
                .col(big_integer_null("scope_region_id"))
                .col(date_null("available_from"))
                .col(date_null("available_until"))
                .col(string_len("status", 16))
                .col(integer("version"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(big_integer("created_by"))
                .col(big_integer("updated_by"))
                .col(timestamp_with_time_zone_null("deleted_at"))
                .foreign_key(&mut fk("resources", "city_id", "regions", "id"))
                .foreign_key(&mut fk(
                    "resources",
                    "organization_id",
                    "organizations",
                    "id",
                ))
                .foreign_key(&mut fk("resources", "category", "categories", "name"))
                .foreign_key(&mut fk("resources", "scope_region_id", "regions", "id"))
                .foreign_key(&mut fk("resources", "created_by", "users", "id"))
                .foreign_key(&mut fk("resources", "updated_by", "users", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("resources", &["organization_id", "id"], false))
            .await?;
        // Lists read "this city's live rows, newest first": an index in that order avoids sorting.
        m.create_index(index("resources", &["city_id", "deleted_at", "id"], false))
            .await?;
        m.create_index(index("resources", &["city_id", "status", "id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("needs")
                .col(big_pk_auto("id"))
                .col(big_integer("city_id"))
                .col(big_integer("alliance_id"))
                .col(big_integer("place_region_id"))
                .col(string_len("title", 120))
                .col(text("description"))
                .col(string_len("category", 20))
                .col(text("tags"))
                .col(integer_null("quantity"))
                .col(date_null("needed_by"))
                .col(string_len("urgency", 16))
                .col(string_len("status", 16))
                .col(integer("version"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(big_integer("created_by"))
                .col(big_integer("updated_by"))
                .col(timestamp_with_time_zone_null("deleted_at"))
                .foreign_key(&mut fk("needs", "city_id", "regions", "id"))
                .foreign_key(&mut fk("needs", "alliance_id", "alliances", "id"))
                .foreign_key(&mut fk("needs", "place_region_id", "regions", "id"))
                .foreign_key(&mut fk("needs", "category", "categories", "name"))
                .foreign_key(&mut fk("needs", "created_by", "users", "id"))
                .foreign_key(&mut fk("needs", "updated_by", "users", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("needs", &["city_id", "deleted_at", "id"], false))
            .await?;
        m.create_index(index("needs", &["alliance_id", "id"], false))
            .await?;
        m.create_index(index("needs", &["place_region_id", "id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("projects")
                .col(big_pk_auto("id"))
                .col(big_integer("city_id"))
                .col(big_integer("need_id"))
                .col(big_integer("alliance_id"))
                .col(string_len("title", 120))
                .col(string_len("status", 16))
                .col(text("notes"))
                .col(integer("version"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(big_integer("created_by"))
                .col(big_integer("updated_by"))
                .foreign_key(&mut fk("projects", "city_id", "regions", "id"))
                .foreign_key(&mut fk("projects", "need_id", "needs", "id"))
                .foreign_key(&mut fk("projects", "alliance_id", "alliances", "id"))
                .foreign_key(&mut fk("projects", "created_by", "users", "id"))
                .foreign_key(&mut fk("projects", "updated_by", "users", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("projects", &["city_id", "id"], false))
            .await?;
        m.create_index(index("projects", &["alliance_id", "id"], false))
            .await?;
        m.create_index(index("projects", &["need_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("project_resources")
                .col(big_integer("project_id"))
                .col(big_integer("resource_id"))
                .col(integer_null("quantity"))
                .primary_key(Index::create().col("project_id").col("resource_id"))
                .foreign_key(&mut fk("project_resources", "project_id", "projects", "id"))
                .foreign_key(&mut fk(
                    "project_resources",
                    "resource_id",
                    "resources",
                    "id",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("project_resources", &["resource_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("audit_log")
                .col(big_pk_auto("id"))
                .col(big_integer_null("city_id"))
                .col(big_integer_null("actor_id"))
                .col(string_len("action", 32))
                .col(string_len("entity_type", 32))
                .col(big_integer("entity_id"))
                .col(text_null("before"))
                .col(text_null("after"))
                .col(string_len_null("request_id", 64))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("audit_log", &["entity_type", "entity_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("search_outbox")
                .col(big_pk_auto("seq"))
                .col(big_integer("city_id"))
                .col(string_len("entity_type", 16))
                .col(big_integer("entity_id"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "search_outbox",
            "audit_log",
            "project_resources",
            "projects",
            "needs",
            "resources",
            "sessions",
            "users",
            "categories",
            "alliance_members",
            "organizations",
            "alliances",
            "regions",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
