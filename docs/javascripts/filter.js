// Filter the rows of every table on the page by the words typed into the page's filter box;
// a table left with no rows is hidden together with the heading just above it.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("input.table-filter");
  if (!box) return;
  box.addEventListener("input", () => {
    const words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    for (const table of document.querySelectorAll("article table")) {
      let shown = 0;
      for (const row of table.tBodies[0].rows) {
        const text = row.textContent.toLowerCase();
        row.hidden = !words.every((word) => text.includes(word));
        shown += row.hidden ? 0 : 1;
      }
      const block = table.closest(".md-typeset__scrollwrap") || table;
      block.hidden = shown === 0;
      const heading = block.previousElementSibling;
      if (heading && /^H[2-4]$/.test(heading.tagName)) heading.hidden = shown === 0;
    }
  });
});
