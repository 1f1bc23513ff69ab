import { mount } from "svelte";
import App from "./App.svelte";
import "./app.css";
import "./review.css";
import { savedTheme, systemTheme } from "./lib/prefs";

// Set the theme before the first paint, so a dark-theme user never sees a white flash.
document.documentElement.dataset.theme = savedTheme() ?? systemTheme();

const target = document.getElementById("app");
if (!target) throw new Error("index.html has no #app element");

export default mount(App, { target });
