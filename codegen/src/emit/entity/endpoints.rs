//! Endpoint descriptors (method, path, role as constants) and the handle whose methods call
//! them through the runtime. The methods only build requests; the runtime sends them.

use proc_macro2::TokenStream;
use quote::quote;

use super::Names;
use crate::emit::docs;
use crate::names;
use crate::spec::{Endpoint, EndpointKind, EntityDef, Method};

pub fn emit(def: &EntityDef, names: &Names) -> TokenStream {
    let Names { module, api, .. } = names;
    let entity = def.entity.as_str();
    let consts = def.endpoints.iter().map(|(kind, e)| {
        let ident = names::const_ident(kind.key()).expect("fixed endpoint kind");
        let method = match *e.method {
            Method::Get => quote!(crate::Method::Get),
            Method::Post => quote!(crate::Method::Post),
            Method::Put => quote!(crate::Method::Put),
            Method::Delete => quote!(crate::Method::Delete),
        };
        let path = e.path.as_str();
        let role = e.role.as_str();
        let doc = docs::outer(&format!("`{} {path}`, which needs the role `{role}`.", e.method.as_str()));
        quote! {
            #doc
            pub const #ident: crate::Endpoint = crate::Endpoint { method: #method, path: #path, role: #role };
        }
    });
    let methods = def
        .endpoints
        .iter()
        .map(|(kind, e)| method(kind, e, def, names));
    let modify = modify(def, names);
    let command_keys = command_keys(def);
    let handle_doc = docs::outer(&format!(
        "The `{entity}` endpoints. Get one with [`crate::Client::{module}`]; it borrows the client."
    ));
    let accessor_doc = docs::outer(&format!(
        "The `{entity}` endpoints: {}",
        docs::first_sentence(&docs::spec(&def.docs))
    ));
    quote! {
        #(#consts)*

        #handle_doc
        #[derive(Debug, Clone, Copy)]
        pub struct #api<'a> {
            client: &'a crate::Client,
        }

        impl crate::Client {
            #accessor_doc
            pub fn #module(&self) -> #api<'_> {
                #api { client: self }
            }
        }

        impl #api<'_> {
            #(#methods)*
            #modify
        }

        #command_keys
    }
}

/// The command keys the documents name, as constants for [`crate::RunCommand::new`]. The
/// server's live list comes from the `commands` endpoint.
fn command_keys(def: &EntityDef) -> TokenStream {
    if def.commands.is_empty() {
        return TokenStream::new();
    }
    let keys = def.commands.iter().map(|c| {
        let ident = names::const_ident(&c.key).expect("validated command key");
        let key = c.key.as_str();
        let doc = docs::outer(&docs::spec(&c.docs));
        quote!(#doc pub const #ident: &str = #key;)
    });
    let doc = docs::inner(&format!(
        "Keys of the `{}` commands the documents name; the `commands` endpoint lists the live set.",
        def.entity.as_str()
    ));
    quote! {
        /// Command keys for [`crate::RunCommand::new`].
        pub mod command_keys {
            #doc
            #(#keys)*
        }
    }
}

/// The rustdoc of an endpoint method: the spec's text, then the request and role.
fn method_docs(kind: EndpointKind, e: &Endpoint, extra: &str) -> TokenStream {
    let konst = names::const_ident(kind.key()).expect("fixed endpoint kind");
    let decision = e
        .decision
        .as_deref()
        .map(|d| format!("Spec decision: {}", docs::spec(d.trim())))
        .unwrap_or_default();
    docs::outer(&docs::paragraphs([
        &docs::spec(&e.docs),
        extra,
        &format!(
            "`{} {}`; role `{}` (see [`{konst}`]).",
            e.method.as_str(),
            e.path.as_str(),
            e.role.as_str()
        ),
        &decision,
    ]))
}

fn method(kind: EndpointKind, e: &Endpoint, def: &EntityDef, names: &Names) -> TokenStream {
    let Names {
        record,
        list_item,
        new_body,
        update_body,
        query,
        ..
    } = names;
    let konst = names::const_ident(kind.key()).expect("fixed endpoint kind");
    match kind {
        EndpointKind::List => {
            let doc = method_docs(kind, e, "Answers one page with its paging metadata.");
            let stream_doc = docs::outer(&docs::paragraphs([
                format!(
                    "Every `{}` the query matches, page after page.",
                    def.entity.as_str()
                ),
                "The stream starts at the query's page and asks for the next page only when the \
                 records of the current one have been consumed."
                    .to_owned(),
                format!(
                    "`{} {}`; role `{}` (see [`{konst}`]).",
                    e.method.as_str(),
                    e.path.as_str(),
                    e.role.as_str()
                ),
            ]));
            quote! {
                #doc
                pub async fn list(&self, query: &#query) -> crate::Result<crate::Page<#list_item>> {
                    self.client.get_page(&#konst, query.query_pairs()).await
                }

                #stream_doc
                pub fn stream(&self, query: #query) -> impl ::futures::Stream<Item = crate::Result<#list_item>> + Send + 'static {
                    self.client.stream_pages(&#konst, query)
                }
            }
        }
        EndpointKind::FindByIds => {
            let param = e.query.as_deref().map(String::as_str).unwrap_or_default();
            let doc = method_docs(
                kind,
                e,
                &format!(
                    "Sends the ids as `?{param}=[1,2]`, with a page size that holds them all (at most 1000)."
                ),
            );
            quote! {
                            #doc
                            pub async fn find_by_ids(&self, ids: &[i64]) -> crate::Result<crate::Page<#list_item>> {
            self.client.find_by_ids(&#konst, #param, ids).await
                            }
                        }
        }
        EndpointKind::Get => {
            let doc = method_docs(kind, e, "");
            quote! {
                #doc
                pub async fn get(&self, id: i64) -> crate::Result<#record> {
                    self.client.get_record(&#konst, id).await
                }
            }
        }
        EndpointKind::Create => {
            let doc = method_docs(kind, e, "Answers the new record's `Id`.");
            quote! {
                #doc
                pub async fn create(&self, body: &#new_body) -> crate::Result<i64> {
                    self.client.send_action(&#konst, None, Some(body)).await?.new_id()
                }
            }
        }
        EndpointKind::Update => {
            let doc = method_docs(kind, e, "");
            quote! {
                #doc
                pub async fn update(&self, body: &#update_body) -> crate::Result<crate::ActionResponse> {
                    self.client.send_action(&#konst, None, Some(body)).await
                }
            }
        }
        EndpointKind::Delete => {
            let doc = method_docs(kind, e, "");
            quote! {
                #doc
                pub async fn delete(&self, id: i64) -> crate::Result<crate::ActionResponse> {
                    self.client.send_action::<()>(&#konst, Some(id), None).await
                }
            }
        }
        EndpointKind::Commands => {
            let doc = method_docs(kind, e, "");
            quote! {
                #doc
                pub async fn commands(&self) -> crate::Result<Vec<crate::CommandInfo>> {
                    self.client.get_commands(&#konst).await
                }
            }
        }
        EndpointKind::RunCommand => {
            let doc = method_docs(
                kind,
                e,
                "An answer with `WasSuccessful: false` is an [`crate::Error::Action`].",
            );
            quote! {
                #doc
                pub async fn run_command(&self, command: &crate::RunCommand) -> crate::Result<crate::ActionResponse> {
                    self.client.send_action(&#konst, None, Some(command)).await
                }
            }
        }
    }
}

/// Read, change, write back: only where the entity has both get and update.
fn modify(def: &EntityDef, names: &Names) -> TokenStream {
    let (Some(get), Some(update)) = (
        def.endpoints.get(EndpointKind::Get),
        def.endpoints.get(EndpointKind::Update),
    ) else {
        return TokenStream::new();
    };
    let update_body = &names.update_body;
    let doc = docs::outer(&docs::paragraphs([
        format!(
            "Reads the full record, lets `change` edit its [`{update_body}`], and writes it back: \
             the safe way to change a few fields, since the PUT then carries every other field \
             as it was."
        ),
        format!(
            "Needs the roles `{}` and `{}`. Answers the body that was sent.",
            get.role.as_str(),
            update.role.as_str()
        ),
    ]));
    quote! {
        #doc
        pub async fn modify(&self, id: i64, change: impl FnOnce(&mut #update_body)) -> crate::Result<#update_body> {
            let mut body = self.get(id).await?.to_update();
            change(&mut body);
            self.update(&body).await?;
            Ok(body)
        }
    }
}
