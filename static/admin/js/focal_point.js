// Click the photo preview to set the focal point that every crop keeps in frame. A static file,
// not an inline script: the site's Content-Security-Policy allows scripts from our own origin only.
"use strict";
{
    const clamp = (value) => Math.min(Math.max(Number.isFinite(value) ? value : 0.5, 0), 1);

    function init() {
        const picker = document.querySelector("[data-focal-picker]");
        const fieldX = document.getElementById("id_focal_x");
        const fieldY = document.getElementById("id_focal_y");
        if (!picker || !fieldX || !fieldY) {
            return;
        }
        const img = picker.querySelector("img");
        const marker = picker.querySelector(".focal-marker");
        const place = () => {
            marker.style.left = `${clamp(parseFloat(fieldX.value)) * 100}%`;
            marker.style.top = `${clamp(parseFloat(fieldY.value)) * 100}%`;
        };
        img.addEventListener("click", (event) => {
            const box = img.getBoundingClientRect();
            fieldX.value = clamp((event.clientX - box.left) / box.width).toFixed(2);
            fieldY.value = clamp((event.clientY - box.top) / box.height).toFixed(2);
            place();
        });
        fieldX.addEventListener("input", place);
        fieldY.addEventListener("input", place);
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
}
