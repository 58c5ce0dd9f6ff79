//! The checked-in schemas are exactly what `healthpress schema NAME` prints.
//! Run with HEALTHPRESS_UPDATE_SCHEMAS=1 to rewrite them after changing the types.

use std::path::Path;

#[test]
fn schemas_are_fresh() {
    for name in healthpress::schema::NAMES {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("schema")
            .join(format!("{name}.schema.json"));
        let printed = healthpress::publish::model::schema(name);
        if std::env::var_os("HEALTHPRESS_UPDATE_SCHEMAS").is_some() {
            std::fs::write(&path, &printed).unwrap();
            continue;
        }
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            on_disk == printed,
            "{} is stale: run HEALTHPRESS_UPDATE_SCHEMAS=1 cargo test --test schema",
            path.display()
        );
    }
}

// The front-matter schema is draft 2020-12 and rejects unknown fields.
#[test]
fn front_matter_schema_shape() {
    let v: serde_json::Value =
        serde_json::from_str(&healthpress::publish::model::schema("front-matter")).unwrap();
    assert_eq!(v["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(v["additionalProperties"], false);
    assert!(v["required"].as_array().unwrap().iter().any(|r| r == "id"));
}
