//! Endpoint descriptors (method, path, role as constants) and the handle whose methods call
//! them through the runtime. The methods only build requests; the runtime sends them.

use proc_macro2::TokenStream;
use quote::quote;

use crate::docs;
use crate::model::{Endpoint, EndpointKind, Entity, Method, Operation};

/// The endpoint constants and the command keys: data, which `SCHEMA` names, so they exist
/// with the `schemas` feature too.
pub fn consts(entity: &Entity) -> TokenStream {
    let consts = entity.endpoints.iter().map(|e| {
        let konst = &e.konst;
        let method = match e.method() {
            Method::Get => quote!(crate::Method::Get),
            Method::Post => quote!(crate::Method::Post),
            Method::Put => quote!(crate::Method::Put),
            Method::Delete => quote!(crate::Method::Delete),
        };
        let (path, role) = (&e.path, &e.role);
        let doc = docs::outer(&format!("`{}`, which needs the role `{role}`.", e.request()));
        quote! {
            #doc
            pub const #konst: crate::Endpoint = crate::Endpoint { method: #method, path: #path, role: #role, service: &crate::SERVICE };
        }
    });
    let command_keys = command_keys(entity);
    quote! {
        #(#consts)*
        #command_keys
    }
}

/// The handle whose methods call the endpoints (typed: only with the entity's feature).
pub fn handle(entity: &Entity) -> TokenStream {
    let names = &entity.names;
    let (module, api) = (&names.module, &names.api);
    let name = &entity.name;
    let methods = entity.endpoints.iter().map(|e| method(e, entity));
    let modify = modify(entity);
    let handle_doc = docs::outer(&format!(
        "The `{name}` endpoints. Get one with [`crate::Api::{module}`] (`client.{module}()`); \
         it borrows the client. Each endpoint method builds a [`crate::Call`], sent when awaited; \
         `stream` answers a stream of records and `modify` a future that borrows the client."
    ));
    quote! {
        #handle_doc
        #[derive(Debug, Clone, Copy)]
        pub struct #api<'a> {
            client: &'a crate::Client,
        }

        impl<'a> #api<'a> {
            /// The handle of `client`; [`crate::Api`] makes it.
            pub(crate) fn new(client: &'a crate::Client) -> Self {
                Self { client }
            }
        }

        impl #api<'_> {
            #(#methods)*
            #modify
        }
    }
}

/// The command keys the documents name, as constants for [`crate::RunCommand::new`]. The
/// server's live list comes from the `commands` endpoint.
fn command_keys(entity: &Entity) -> TokenStream {
    if entity.commands.is_empty() {
        return TokenStream::new();
    }
    let keys = entity.commands.iter().map(|c| {
        let (konst, key) = (&c.konst, &c.key);
        let doc = docs::outer(&docs::spec(&c.docs));
        quote!(#doc pub const #konst: &str = #key;)
    });
    // One doc, outside: clippy refuses a module documented both outside and inside.
    let doc = docs::outer(&format!(
        "Keys of the `{}` commands the documents name, for [`crate::RunCommand::new`]; the \
         `commands` endpoint lists the live set.",
        entity.name
    ));
    quote! {
        #doc
        pub mod command_keys {
            #(#keys)*
        }
    }
}

/// The rustdoc of an endpoint method: the spec's text, then the request and role.
fn method_docs(e: &Endpoint, extra: &str) -> TokenStream {
    let decision = e
        .decision
        .as_deref()
        .map(|d| format!("Spec decision: {}", docs::spec(d.trim())))
        .unwrap_or_default();
    docs::outer(&docs::paragraphs([
        docs::spec(&e.docs),
        extra.to_owned(),
        request_line(e),
        decision,
    ]))
}

/// The request, its role and a link to its constant (in the module above the handle's).
fn request_line(e: &Endpoint) -> String {
    format!(
        "`{}`; role `{}` (see [`{konst}`](super::{konst})).",
        e.request(),
        e.role,
        konst = e.konst
    )
}

/// One endpoint's method: a plain function that builds the runtime's `Call`, not an
/// `async fn`, so the handle type-checks without a future type per endpoint.
///
/// `#[inline]` defers its code to the crate that calls it, as an `async fn`'s body would be:
/// a user's build compiles the decoders of the endpoints it uses, not of all of them.
fn method(e: &Endpoint, entity: &Entity) -> TokenStream {
    let names = &entity.names;
    let (record, list_item, new_body, update_body, query) = (
        &names.record,
        &names.list_item,
        &names.new_body,
        &names.update_body,
        &names.query,
    );
    let id = &entity.id.rust;
    // The handle lives in the entity's `typed` module; the constants in the entity module.
    let konst = &e.konst;
    match &e.operation {
        Operation::List => {
            let doc = method_docs(e, "Answers one page with its paging metadata.");
            let stream_doc = docs::outer(&docs::paragraphs([
                format!(
                    "Every `{}` the query matches, page after page.",
                    entity.name
                ),
                "The stream starts at the query's page when first polled; while the records of \
                 a page are consumed, the next page is already being fetched (paced like every \
                 request)."
                    .to_owned(),
                request_line(e),
            ]));
            quote! {
                #doc
                #[inline]
                pub fn list(&self, query: &#query) -> crate::Call<crate::Page<#list_item>> {
                    self.client.get_page(&super::#konst, query.query_pairs(&crate::SERVICE.paging))
                }

                #stream_doc
                #[inline]
                pub fn stream(&self, query: #query) -> ::futures::stream::BoxStream<'static, crate::Result<#list_item>> {
                    self.client.stream_pages(&super::#konst, query)
                }
            }
        }
        Operation::FindByIds { query: param } => {
            let doc = method_docs(
                e,
                &format!(
                    "Sends the ids as `?{param}=[1,2]`, with a page size that holds them all (at most 1000)."
                ),
            );
            quote! {
                #doc
                #[inline]
                pub fn find_by_ids(&self, ids: impl IntoIterator<Item = impl Into<crate::ids::#id>>) -> crate::Call<crate::Page<#list_item>> {
                    let ids: Vec<i64> = ids.into_iter().map(|id| id.into().0).collect();
                    self.client.find_by_ids(&super::#konst, #param, &ids)
                }
            }
        }
        Operation::Get => {
            let doc = method_docs(e, "");
            quote! {
                #doc
                #[inline]
                pub fn get(&self, id: impl Into<crate::ids::#id>) -> crate::Call<#record> {
                    self.client.get_record(&super::#konst, id.into().0)
                }
            }
        }
        Operation::Create => {
            let doc = method_docs(e, "Answers the new record's `Id`.");
            quote! {
                #doc
                #[inline]
                pub fn create(&self, body: &#new_body) -> crate::Call<crate::ids::#id> {
                    self.client.create_record(&super::#konst, body)
                }
            }
        }
        Operation::Update => {
            let doc = method_docs(e, "");
            quote! {
                #doc
                #[inline]
                pub fn update(&self, body: &#update_body) -> crate::Call<crate::ActionResponse> {
                    self.client.send_action(&super::#konst, None, Some(body))
                }
            }
        }
        Operation::Delete => {
            let doc = method_docs(e, "");
            quote! {
                #doc
                #[inline]
                pub fn delete(&self, id: impl Into<crate::ids::#id>) -> crate::Call<crate::ActionResponse> {
                    self.client.send_action::<()>(&super::#konst, Some(id.into().0), None)
                }
            }
        }
        Operation::Commands => {
            let doc = method_docs(e, "");
            quote! {
                #doc
                #[inline]
                pub fn commands(&self) -> crate::Call<Vec<crate::CommandInfo>> {
                    self.client.get_commands(&super::#konst)
                }
            }
        }
        Operation::RunCommand => {
            let doc = method_docs(
                e,
                "An answer with `WasSuccessful: false` is an [`crate::Error::Action`].",
            );
            quote! {
                #doc
                #[inline]
                pub fn run_command(&self, command: &crate::RunCommand) -> crate::Call<crate::ActionResponse> {
                    self.client.run_command(&super::#konst, command)
                }
            }
        }
        Operation::Download { name, method } => {
            let doc = method_docs(
                e,
                &format!(
                    "Answers the `{name}` file's bytes and content type, or `None` when the record \
                     has none."
                ),
            );
            quote! {
                #doc
                #[inline]
                pub fn #method(&self, id: impl Into<crate::ids::#id>) -> crate::Call<Option<crate::Download>> {
                    self.client.download(&super::#konst, id.into().0)
                }
            }
        }
    }
}

/// Read, change, write back: only where the entity has both get and update.
fn modify(entity: &Entity) -> TokenStream {
    let (Some(get), Some(update)) = (
        entity.endpoint(EndpointKind::Get),
        entity.endpoint(EndpointKind::Update),
    ) else {
        return TokenStream::new();
    };
    let update_body = &entity.names.update_body;
    let id = &entity.id.rust;
    let doc = docs::outer(&docs::paragraphs([
        format!(
            "Reads the full record, lets `change` edit its [`{update_body}`], and writes it back: \
             the safe way to change a few fields, since the PUT then carries every other field \
             as it was."
        ),
        format!(
            "Needs the roles `{}` and `{}`. Answers the body that was sent.",
            get.role, update.role
        ),
    ]));
    let record = &entity.names.record;
    let (get, update) = (&get.konst, &update.konst);
    quote! {
        #doc
        #[inline]
        pub fn modify(self, id: impl Into<crate::ids::#id>, change: impl FnOnce(&mut #update_body)) -> impl ::core::future::Future<Output = crate::Result<#update_body>> {
            self.client.modify::<#record, #update_body>(&super::#get, &super::#update, id.into().0, change)
        }
    }
}
