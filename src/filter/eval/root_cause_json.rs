//! `rootcause.json`: whether an object of the array describes a root cause.

use serde_json::Value as Json;

use crate::model::root_cause::{RootCause, RootCauseEntity, RootCauseException, RootCauseService};

pub(super) fn json_cause(wanted: &Json, cause: &RootCause) -> bool {
    let Some(object) = wanted.as_object() else {
        return false;
    };
    match object.get("Services") {
        None => true,
        Some(Json::Array(services)) => {
            services.len() == cause.services.len()
                && services
                    .iter()
                    .zip(&cause.services)
                    .all(|(w, s)| json_service(w, s))
        }
        Some(_) => false,
    }
}

fn json_text(object: &serde_json::Map<String, Json>, key: &str, actual: Option<&str>) -> bool {
    match object.get(key) {
        None | Some(Json::Null) => true,
        Some(Json::String(s)) => actual == Some(s.as_str()),
        Some(_) => false,
    }
}

fn json_flag(object: &serde_json::Map<String, Json>, key: &str, actual: bool) -> bool {
    match object.get(key) {
        None | Some(Json::Null) => true,
        Some(Json::Bool(b)) => *b == actual,
        Some(_) => false,
    }
}

fn json_list<T>(
    object: &serde_json::Map<String, Json>,
    key: &str,
    actual: &[T],
    each: fn(&Json, &T) -> bool,
) -> bool {
    match object.get(key) {
        None | Some(Json::Null) => true,
        Some(Json::Array(items)) => {
            items.len() == actual.len() && items.iter().zip(actual).all(|(w, a)| each(w, a))
        }
        Some(_) => false,
    }
}

fn json_service(wanted: &Json, service: &RootCauseService) -> bool {
    let Some(o) = wanted.as_object() else {
        return false;
    };
    json_text(o, "Name", Some(&service.name))
        && json_text(o, "Type", Some(&service.kind))
        && json_text(o, "AccountId", service.account_id.as_deref())
        && json_flag(o, "Inferred", service.inferred)
        && json_list(o, "EntityPath", &service.entity_path, json_entity)
}

fn json_entity(wanted: &Json, entity: &RootCauseEntity) -> bool {
    let Some(o) = wanted.as_object() else {
        return false;
    };
    json_text(o, "Name", Some(&entity.name))
        && json_flag(o, "Remote", entity.remote)
        && json_list(o, "Exceptions", &entity.exceptions, json_exception)
}

fn json_exception(wanted: &Json, exception: &RootCauseException) -> bool {
    let Some(o) = wanted.as_object() else {
        return false;
    };
    json_text(o, "Name", Some(&exception.name)) && json_text(o, "Message", Some(&exception.message))
}
