// A pasted <iframe> travels to the server as it is, so the server can turn a known provider's frame into
// one of our embeds and report any other as removed (articles/editor/embeds.py): never dropped silently
// by the editor. Inside the editor it is shown as a labelled box, never loaded.
import { Node } from "django-prose-editor/editor"

function hostOf(src) {
  try {
    return new URL(src, window.location.href).host
  } catch {
    return "an unknown site"
  }
}

export const PastedFrame = Node.create({
  name: "pastedFrame",
  group: "block",
  atom: true,
  addAttributes() {
    return { src: { default: null } }
  },
  parseHTML() {
    return [{ tag: "iframe[src]" }]
  },
  renderHTML({ HTMLAttributes }) {
    return ["iframe", { src: HTMLAttributes.src }]
  },
  addNodeView() {
    return ({ node }) => {
      const dom = document.createElement("div")
      dom.className = "pasted-frame"
      dom.textContent = `Embedded frame from ${hostOf(node.attrs.src)}: kept as an embed if the site is supported, otherwise removed on save.`
      return { dom }
    }
  },
})
