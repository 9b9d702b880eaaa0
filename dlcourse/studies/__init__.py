"""Studies: experiments that run components and return a table and figures.

One module per topic. Imports run one way: components (`layers`, `optimizers`,
`schedules`, `callbacks`, `models`, `data`, `training`, `export`, `interpret`) <- studies
<- practicals. No component imports a study.
"""
