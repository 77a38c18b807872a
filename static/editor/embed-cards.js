// In the editor, a supported embed URL on a line of its own shows a preview card under it: the provider, what it
// is (a video, a post by @someone, a chart) and the address, so the writer sees what readers will get. Nothing is
// fetched from the provider (readers still load it with a click: templates/editor/embed.html). The card is a
// ProseMirror widget decoration: drawn beside the document, never part of the stored body.
// The providers and their URL patterns come from the server (articles/editor/embeds.py, `card_providers`).
import { Extension, pm } from "django-prose-editor/editor"

const KINDS = { video: "video", post: "post", chart: "chart" }

function compile(providers) {
  return (providers || []).map((provider) => ({
    ...provider,
    patterns: provider.patterns.map((source) => new RegExp(source, "i")),
  }))
}

function embedFor(url, providers) {
  for (const provider of providers) {
    for (const pattern of provider.patterns) {
      const match = pattern.exec(url)
      if (match) return { provider, groups: match.groups || {}, url }
    }
  }
  return null
}

function titleOf({ provider, groups }) {
  const who = groups.user || groups.actor
  if (who) return `Post by @${who}${groups.host ? ` on ${groups.host}` : ""}`
  if (groups.type === "reel") return "Reel"
  return `${KINDS[provider.kind] || "item"} ${groups.id || ""}`.trim().replace(/^./, (c) => c.toUpperCase())
}

// The URL a paragraph stands for: its only text, bare or linked to itself (as the server reads it).
function urlIn(node) {
  if (node.type.name !== "paragraph" || node.childCount !== 1 || !node.firstChild.isText) return null
  const text = node.textContent.trim()
  if (!/^https?:\/\/\S+$/.test(text)) return null
  const link = node.firstChild.marks.find((mark) => mark.type.name === "link")
  return link && link.attrs.href !== text ? null : text
}

function card(embed) {
  const box = document.createElement("div")
  box.className = `embed-card embed-card-${embed.provider.kind}`
  box.contentEditable = "false"
  box.setAttribute("role", "note")
  box.setAttribute("aria-label", `${embed.provider.name} embed`)
  const kind = document.createElement("p")
  kind.className = "embed-card-provider"
  kind.textContent = `${embed.provider.name} ${KINDS[embed.provider.kind] || "embed"}`
  const title = document.createElement("p")
  title.className = "embed-card-title"
  title.textContent = titleOf(embed)
  const link = document.createElement("a")
  link.className = "embed-card-url"
  link.href = embed.url
  link.target = "_blank"
  link.rel = "noopener noreferrer"
  link.textContent = embed.url
  const note = document.createElement("p")
  note.className = "embed-card-note"
  note.textContent = `Readers see a “Load ${embed.provider.name} content” button: nothing loads from ${embed.provider.name} until they press it.`
  box.append(kind, title, link, note)
  return box
}

function decorations(doc, providers) {
  const found = []
  doc.descendants((node, pos) => {
    if (node.type.name !== "paragraph") return true
    const url = urlIn(node)
    const embed = url && embedFor(url, providers)
    if (embed) {
      found.push(
        pm.view.Decoration.widget(pos + node.nodeSize, () => card(embed), {
          side: -1,
          key: `embed-card:${url}`,
          ignoreSelection: true,
        }),
      )
    }
    return false
  })
  return pm.view.DecorationSet.create(doc, found)
}

export const EmbedCards = Extension.create({
  name: "embedCards",
  addOptions() {
    return { providers: [] }
  },
  addProseMirrorPlugins() {
    const providers = compile(this.options.providers)
    return [
      new pm.state.Plugin({
        key: new pm.state.PluginKey("embedCards"),
        state: {
          init: (_, state) => decorations(state.doc, providers),
          apply: (tr, old) => (tr.docChanged ? decorations(tr.doc, providers) : old),
        },
        props: {
          decorations(state) {
            return this.getState(state)
          },
        },
      }),
    ]
  },
})
