// The body's figure button inserts a picture from the media library (replacing the editor's address-only
// Figure): the library's chooser (static/library/chooser.js), then where it goes (size, alignment) and its
// words (alt text, required; caption and credit: the library's unless given here). The figure keeps the
// library image's id (data-image) and the choices (data-size, data-align, data-credit); the reader page draws
// it from the library's renditions (articles/editor/pictures.py). With a figure selected, the button edits it.
import { Figure as EditorFigure } from "django-prose-editor/editor"

const SIZES = [["small", "Small, beside the text"], ["medium", "Medium"], ["wide", "Column width"]]
const ALIGNMENTS = [["left", "Left"], ["center", "Centre"], ["right", "Right"]]

const PLACEMENT_HTML = `
  <form method="dialog" class="picture-placement">
    <div class="chooser-head"><h2 id="picture-placement-title">Place the picture</h2></div>
    <img alt="" data-placement-thumb>
    <label for="picture-placement-alt">Alt text (required: what the picture shows)</label>
    <input type="text" id="picture-placement-alt" name="alt" maxlength="250" required>
    <label for="picture-placement-caption">Caption (empty: the library's)</label>
    <input type="text" id="picture-placement-caption" name="caption" maxlength="300">
    <label for="picture-placement-credit">Credit (empty: the library's)</label>
    <input type="text" id="picture-placement-credit" name="credit" maxlength="150">
    <fieldset><legend>Size</legend>${SIZES.map(([value, label]) =>
      `<label><input type="radio" name="size" value="${value}"> ${label}</label>`).join("")}</fieldset>
    <fieldset><legend>Alignment (small and medium pictures)</legend>${ALIGNMENTS.map(([value, label]) =>
      `<label><input type="radio" name="align" value="${value}"> ${label}</label>`).join("")}</fieldset>
    <p class="chooser-buttons">
      <button type="submit" class="button default" value="place">Insert picture</button>
      <button type="button" class="button" data-placement-cancel>Cancel</button>
    </p>
  </form>`

function dataAttribute(name) {
  return {
    default: null,
    parseHTML: (element) => element.getAttribute(`data-${name}`),
    renderHTML: (attributes) => (attributes[name] ? { [`data-${name}`]: attributes[name] } : {}),
  }
}

function chooserSource(editor) {
  return editor.view.dom.closest(".prose-editor")?.querySelector("[data-chooser-results-url]")
    || document.querySelector("[data-chooser-results-url]")
}

// Asks where the picture goes and its words; resolves with them, or null when cancelled.
function askPlacement(values) {
  const dialog = document.createElement("dialog")
  dialog.className = "library-chooser"
  dialog.setAttribute("aria-labelledby", "picture-placement-title")
  dialog.innerHTML = PLACEMENT_HTML
  document.body.append(dialog)
  const form = dialog.querySelector("form")
  const thumb = dialog.querySelector("[data-placement-thumb]")
  thumb.src = values.thumb
  form.elements.alt.value = values.alt
  form.elements.caption.value = values.caption
  form.elements.caption.placeholder = values.libraryCaption || "No caption in the library"
  form.elements.credit.value = values.credit
  form.elements.credit.placeholder = values.libraryCredit || "No credit in the library"
  form.elements.size.value = values.size
  form.elements.align.value = values.align
  form.querySelector("[type=submit]").textContent = values.editing ? "Update picture" : "Insert picture"
  return new Promise((resolve) => {
    let answer = null
    form.addEventListener("submit", () => {
      answer = {
        alt: form.elements.alt.value.trim(),
        caption: form.elements.caption.value.trim(),
        credit: form.elements.credit.value.trim(),
        size: form.elements.size.value,
        align: form.elements.align.value,
      }
    })
    dialog.querySelector("[data-placement-cancel]").addEventListener("click", () => dialog.close())
    dialog.addEventListener("close", () => { dialog.remove(); resolve(answer) })
    dialog.showModal()
    form.elements.alt.focus()
  })
}

function selectedFigure(state) {
  const { $from } = state.selection
  for (let depth = $from.depth; depth > 0; depth--) {
    if ($from.node(depth).type.name === "figure") return { node: $from.node(depth), pos: $from.before(depth) }
  }
  const node = state.selection.node
  return node?.type.name === "figure" ? { node, pos: state.selection.from } : null
}

async function insertFromLibrary(editor) {
  const source = chooserSource(editor)
  if (!source || !window.newsroomChooser) return
  const choice = await window.newsroomChooser.open(source, "Choose a picture for the body")
  if (!choice) return
  const placed = await askPlacement({
    thumb: choice.thumb, alt: choice.alt, caption: "", credit: "", libraryCaption: choice.caption,
    libraryCredit: choice.credit, size: "wide", align: "center",
  })
  if (!placed) return
  const content = [{ type: "image", attrs: { src: choice.src, alt: placed.alt } }]
  if (placed.caption) content.push({ type: "caption", content: [{ type: "text", text: placed.caption }] })
  editor.chain().focus().insertContent({
    type: "figure",
    attrs: { image: String(choice.id), size: placed.size, align: placed.align, credit: placed.credit || null },
    content,
  }).run()
}

async function editPlacement(editor, figure) {
  const image = figure.node.firstChild
  const placed = await askPlacement({
    thumb: image.attrs.src, alt: image.attrs.alt || "", caption: "", credit: figure.node.attrs.credit || "",
    libraryCaption: "", libraryCredit: "", size: figure.node.attrs.size || "wide",
    align: figure.node.attrs.align || "center", editing: true,
  })
  if (!placed) return
  const { tr } = editor.state
  tr.setNodeMarkup(figure.pos, null, { ...figure.node.attrs, size: placed.size, align: placed.align, credit: placed.credit || null })
  tr.setNodeMarkup(figure.pos + 1, null, { ...image.attrs, alt: placed.alt })
  editor.view.dispatch(tr)
}

export const Figure = EditorFigure.extend({
  addAttributes() {
    return {
      ...this.parent?.(),
      image: dataAttribute("image"),
      size: dataAttribute("size"),
      align: dataAttribute("align"),
      credit: dataAttribute("credit"),
    }
  },
  addCommands() {
    return {
      ...this.parent?.(),
      // The toolbar's figure button runs this (and asks `can()` first: no dialog then).
      insertFigure: () => ({ editor, state, dispatch }) => {
        if (dispatch) {
          const figure = selectedFigure(state)
          setTimeout(() => (figure ? editPlacement(editor, figure) : insertFromLibrary(editor)))
        }
        return true
      },
    }
  },
})
