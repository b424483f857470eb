//! graph/model/schema.py's node ids, as resolution makes them.

pub fn type_id(path: &str, name: &str) -> String {
    format!("type:{path}.{name}")
}

pub fn function_id(path: &str, name: &str) -> String {
    format!("func:{path}.{name}")
}

pub fn method_id(path: &str, receiver: &str, name: &str, pointer: bool) -> String {
    let star = if pointer { "*" } else { "" };
    format!("method:{path}.({star}{receiver}).{name}")
}

/// What follows an id's kind prefix (`partition(":")[2]`).
pub fn key_of(nid: &str) -> &str {
    nid.split_once(':').map(|(_, k)| k).unwrap_or("")
}

/// `field:…/deployment.DeploymentController.syncHandler`: field `field` of struct tid.
pub fn field_key(tid: &str, field: &str) -> String {
    format!("field:{}.{}", key_of(tid), field)
}
