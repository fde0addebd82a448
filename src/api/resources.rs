//! 资源清单 over HTTP.

super::lists::list_endpoints! {
    entry: entity::resource::Model,
    domain: resources,
    view: ResourceView,
    new: NewResource,
    patch: ResourcePatch,
    filter: ResourceFilter,
    status_change: StatusChange,
    tag: "resources",
    paths: ("/resources", "/resources/{id}", "/resources/{id}/status", "/resources/{id}/confirm"),
    list: (
        list_resources,
        "Resources, newest first.",
        [, (status = 404, description = "`alliance_id` names no alliance", body = Problem)]
    ),
    create: (
        create_resource,
        "Offer a resource (member units for themselves; admins for any unit).",
        "nearly repeats an open resource (send `allow_duplicate`)"
    ),
    get: (get_resource, "One resource; its `ETag` is its version."),
    update: (
        update_resource,
        "Edit a resource (its unit's users, or admins). Send `If-Match` to refuse a stale edit (412)."
    ),
    status: (
        change_resource_status,
        "Withdraw, mark used up, or offer again (its unit's users, or admins)."
    ),
    delete: (
        delete_resource,
        "Remove a resource from the list (kept in the audit trail). Refused once it is in a project."
    ),
    confirm: (
        confirm_resource,
        "Confirm the resource still stands (复核, its unit's users, or admins): it stays matchable for another 90 days.\nAny edit confirms it too."
    ),
}
