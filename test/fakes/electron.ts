// Placeholder: the Electron shell tests replace this with a recording fake.
export {};
